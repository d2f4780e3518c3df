package io.hooknet.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bench/run <benchmark>}: each benchmark prints hooknet's figures beside its baselines from the same run. */
@Command(name = "bench/run", mixinStandardHelpOptions = true, subcommands = {AllBench.class, FaultsBench.class, HooksBench.class,
    SwitchBench.class, ScaleBench.class, RegistryScaleBench.class},
    description = "Runs a hooknet benchmark beside its baselines.")
public final class Bench {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }
}
