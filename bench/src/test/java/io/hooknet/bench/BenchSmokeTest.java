package io.hooknet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every benchmark, run small, so that a change that breaks one shows in the build rather than in the next
 * {@code bench/run}. Nothing here judges speed: it checks that each benchmark finishes, passes its own
 * correctness checks and gives the rows it promises.
 */
class BenchSmokeTest {

  @Test
  void faultsGivesLatencyAndThroughputRows() throws Exception {
    List<Row> rows = run(new FaultsBench(), "--samples", "50", "--events", "2000", "--window", "500");
    assertThat(rows).extracting(Row::measure).containsExactly(
        "peer close -> local handler, p50 us", "peer close -> local handler, p99 us",
        "peer close -> local handler, p99.9 us", "peer close -> remote consumer, p50 us",
        "peer close -> remote consumer, p99 us", "peer close -> remote consumer, p99.9 us",
        "peer close -> bridged client, p50 us", "peer close -> bridged client, p99 us",
        "peer close -> bridged client, p99.9 us", "sock events/s from n1 to consumers on n2 and n3");
  }

  @Test
  void hooksGivesPropagationReplaySizeThroughputAndBridgeRows() throws Exception {
    List<Row> rows = run(new HooksBench(), "--samples", "20", "--warm-up", "20", "--replay", "10", "--size", "100",
        "--seconds", "1", "--clients", "6");
    assertThat(rows).extracting(Row::measure).containsExactly(
        "register done -> HN_REGISTER at 3 nodes, p50 us", "register done -> HN_REGISTER at 3 nodes, p99 us",
        "register call -> HN_REGISTER at 3 nodes, p50 us", "register call -> HN_REGISTER at 3 nodes, p99 us",
        "replay of 10 hooks to a new callback, ms", "register call into an event of 100 hooks, p50 us",
        "register call in a family of 100 events, p50 us", "registry changes/s, 6 clients on an event each",
        "registry changes/s, 6 clients on one hot event",
        "register from the Python client over the TCP bridge, p50 us");
  }

  @Test
  void switchGivesARowPerSizeAndBaseline() throws Exception {
    List<Row> rows = run(new SwitchBench(), "--sizes", "64,4096", "--megabytes", "1", "--max-packets", "500",
        "--runs", "1");
    // Without libknet the Unix endpoints are compared with the plain TCP pair only.
    assertThat(rows).extracting(Row::measure).containsExactly(
        "64 B packets, TCP endpoints, packets/s", "64 B packets, Unix endpoints, packets/s",
        "64 B packets, TCP endpoints, packets/s", "4096 B packets, TCP endpoints, packets/s",
        "4096 B packets, Unix endpoints, packets/s", "4096 B packets, TCP endpoints, packets/s");
    assertThat(rows).extracting(Row::baselineName).containsExactly("plain TCP socket pair", "plain TCP socket pair",
        "raw clustered event bus send, paced", "plain TCP socket pair", "plain TCP socket pair",
        "raw clustered event bus send, paced");
  }

  @Test
  void scaleMeasuresAChildNode() throws Exception {
    // Enough sockets that what they hold outweighs the few hundred KiB a settled node's heap still wanders by.
    List<Row> rows = run(new ScaleBench(), "--sockets", "1000", "--idle-seconds", "1");
    assertThat(rows).extracting(Row::measure).containsExactly("heap per watched socket, bytes",
        "RSS per watched socket, bytes", "idle CPU with 1000 sockets, % of a core",
        "1000 simultaneous EOFs to a remote consumer, ms");
  }

  @Test
  void registryScaleGivesHeapAndJoinRows() throws Exception {
    List<Row> rows = run(new RegistryScaleBench(), "--hooks", "2000", "--per-event", "500");
    assertThat(rows).extracting(Row::measure).containsExactly("live heap per hook, 2,000 hooks on 3 nodes, bytes",
        "a node joining 2,000 hooks serves list and replay, ms");
  }

  private static List<Row> run(BenchCommand bench, String... args) throws Exception {
    Report report = new Report();
    CommandLine.populateCommand(bench, args).run(report);
    String name = bench.getClass().getAnnotation(CommandLine.Command.class).name();
    assertThat(report.checks()).containsKey(name);
    for (Row row : report.rows()) {
      assertThat(row.bench()).isEqualTo(name);
      assertThat(row.hooknet()).as(row.measure()).isFinite().isNotNegative();
      assertThat(row.baseline()).as(row.measure()).isFinite().isNotNegative();
    }
    return report.rows();
  }
}
