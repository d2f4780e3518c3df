package io.hooknet.node;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hooknet} command: {@code hooknet node} starts a node. */
@Command(name = "hooknet", mixinStandardHelpOptions = true,
    description = "Socket pools whose faults become cluster-wide events, and a replicated hook registry.",
    subcommands = {NodeCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    configureLogging();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main());
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The node's own log format, unless the user gave {@code java.util.logging.config.file}. */
  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream in = Main.class.getResourceAsStream("logging.properties")) {
      LogManager.getLogManager().readConfiguration(in);
    } catch (IOException e) {
      System.err.println("hooknet: cannot read the logging configuration: " + e.getMessage());
    }
  }
}
