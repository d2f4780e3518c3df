package io.hooknet.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/run all}: every benchmark with its default settings, one after the other, then one table of all
 * rows, written also as JSON and as the Markdown results page.
 */
@Command(name = "all", mixinStandardHelpOptions = true,
    description = "Runs every benchmark and writes the table as JSON and Markdown.")
final class AllBench extends BenchCommand {

  @Option(names = "--json", description = "Where the JSON results go. Default: ${DEFAULT-VALUE}.",
      defaultValue = "bench/target/results.json")
  Path json;

  @Option(names = "--markdown", description = "Where the results page goes. Default: ${DEFAULT-VALUE}.",
      defaultValue = "bench/RESULTS.md")
  Path markdown;

  @Option(names = "--knet", description = "The libknet baseline program. Default: ${DEFAULT-VALUE}.",
      defaultValue = "bench/target/knet-switch")
  Path knet;

  @Option(names = "--knet-version", description = "The libknet version it was built against, for the page.")
  String knetVersion;

  @Option(names = "--command", description = "The command line to print on the page. Default: ${DEFAULT-VALUE}.",
      defaultValue = "bench/run")
  String command;

  @Override
  void run(Report report) throws Exception {
    List<BenchCommand> benches = List.of(
        CommandLine.populateCommand(new FaultsBench()),
        CommandLine.populateCommand(new HooksBench()),
        CommandLine.populateCommand(new SwitchBench(), "--knet", knet.toString()),
        CommandLine.populateCommand(new ScaleBench()),
        CommandLine.populateCommand(new RegistryScaleBench()));
    for (BenchCommand bench : benches) {
      String name = bench.getClass().getAnnotation(Command.class).name();
      System.out.println();
      System.out.println("=== " + name + " ===");
      long start = System.nanoTime();
      bench.run(report);
      System.out.printf("=== %s done in %.0f s ===%n", name, (System.nanoTime() - start) / 1e9);
    }
  }

  @Override
  public Integer call() throws Exception {
    Report report = new Report();
    run(report);
    report.print(System.out);
    Map<String, String> machine = Machine.describe(knetVersion);
    report.writeJson(json, command, machine);
    report.writeMarkdown(markdown, command, machine);
    System.out.println("results: " + json + " and " + markdown);
    return 0;
  }
}
