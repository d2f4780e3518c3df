package io.hooknet.bench;

import io.hooknet.codec.Json;
import io.hooknet.codec.SockEvent;
import io.hooknet.sockets.SocketPool;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * 100,000 sockets watched by one node, a child JVM ({@link ScaleNode}), with their peers and a remote consumer in
 * this process (node n1). Measured from outside the child: heap (after GC, as the child reports it) and RSS
 * ({@code /proc/PID/status}) per socket, idle CPU ({@code /proc/PID/stat}) and the time from closing every peer
 * to the last of the end-of-read events at the consumer on n1. The peers listen on a port per 20,000 sockets, and
 * {@code bench/run} raises the open-files limit the two processes need. The baseline is the same child watching
 * the same sockets with plain Vert.x handlers that publish the same event JSON on an end of read.
 *
 * <p>The consumer checks that it got exactly one event per socket: for hooknet seq 1…N in order and N distinct
 * datafds, each {@code (TX, 0, 0)}; for the baseline N distinct ids.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Memory, idle CPU and an end-of-read storm with 100,000 sockets in one node, beside plain Vert.x.")
final class ScaleBench extends BenchCommand {

  @Option(names = "--sockets", description = "Sockets watched by the node. Default: ${DEFAULT-VALUE}.",
      defaultValue = "100000")
  int sockets;

  @Option(names = "--idle-seconds", description = "How long idle CPU is measured. Default: ${DEFAULT-VALUE}.",
      defaultValue = "10")
  int idleSeconds;

  private static final String BENCH = "scale";
  private static final long CLOCK_TICKS = 100;

  /** Open files a process keeps beside its sockets: the JVM, Hazelcast, Vert.x. */
  private static final int OTHER_FILES = 1_000;

  @Override
  void run(Report report) throws Exception {
    long allowed = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getMaxFileDescriptorCount();
    if (sockets + OTHER_FILES > allowed) {
      // Each process holds one side of every connection; bench/run raises the limit where the system lets it.
      int fits = (int) ((allowed - OTHER_FILES) / 1_000 * 1_000);
      report.say(BENCH, "%s", "scale: " + sockets + " sockets asked, but a process may open " + allowed
          + " files here (ulimit -n, which this system does not let bench/run raise): measuring " + fits);
      sockets = fits;
    }
    try (Nodes nodes = Nodes.start(1)) {
      report.say(BENCH, "%s", "scale: " + sockets + " sockets in a child JVM node, peers and consumer on n1, "
          + Runtime.getRuntime().availableProcessors() + " cores");
      Figures raw = measure(nodes, false);
      Figures pool = measure(nodes, true);
      report.say(BENCH, "%-36s %14s %14s", "", "hooknet pool", "plain Vert.x");
      report.say(BENCH, "%-36s %14.0f %14.0f", "heap per socket (bytes)", pool.heapPerSocket, raw.heapPerSocket);
      report.say(BENCH, "%-36s %14.0f %14.0f", "RSS per socket (bytes)", pool.rssPerSocket, raw.rssPerSocket);
      report.say(BENCH, "%-36s %14.2f %14.2f", "idle CPU (% of one core)", pool.idleCpu, raw.idleCpu);
      report.say(BENCH, "%-36s %14.1f %14.1f", sockets + " EOFs to remote consumer (ms)", pool.stormMillis,
          raw.stormMillis);
      String baseline = "plain Vert.x NetSockets, EOF published";
      report.add(Row.cost(BENCH, "heap per watched socket, bytes", pool.heapPerSocket, baseline, raw.heapPerSocket));
      report.add(Row.cost(BENCH, "RSS per watched socket, bytes", pool.rssPerSocket, baseline, raw.rssPerSocket));
      report.add(Row.cost(BENCH, "idle CPU with " + sockets + " sockets, % of a core", pool.idleCpu, baseline,
          raw.idleCpu));
      report.add(Row.cost(BENCH, sockets + " simultaneous EOFs to a remote consumer, ms", pool.stormMillis,
          baseline, raw.stormMillis));
      report.checked(BENCH, sockets + " peers closed at once: the remote consumer got exactly " + sockets
          + " (TX, 0, 0) events, seq 1-" + sockets + " in order with " + sockets + " distinct datafds (baseline: "
          + sockets + " distinct ids)");
    }
  }

  private record Figures(double heapPerSocket, double rssPerSocket, double idleCpu, double stormMillis) {
  }

  /** Connections one peer port takes: fewer than the ephemeral ports one address can connect from. */
  private static final int PER_PORT = 20_000;

  private Figures measure(Nodes nodes, boolean pool) throws Exception {
    List<ServerSocketChannel> servers = new ArrayList<>();
    try {
      for (int i = 0; i < (sockets + PER_PORT - 1) / PER_PORT; i++) {
        ServerSocketChannel server = ServerSocketChannel.open();
        servers.add(server);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
      }
      Storm storm = new Storm(sockets, pool);
      MessageConsumer<JsonObject> consumer = nodes.node(1).vertx().eventBus().<JsonObject>consumer(
          pool ? SocketPool.SOCK_EVENTS : ScaleNode.RAW, message -> storm.arrived(message.body()));
      consumer.completion().await();
      int childPort = Nodes.freePorts(1).get(0);
      String peerPorts = servers.stream().map(server -> Integer.toString(server.socket().getLocalPort()))
          .collect(java.util.stream.Collectors.joining(","));
      Process child = startChild(pool, peerPorts, nodes, childPort);
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
          StandardCharsets.UTF_8)); Writer in = new OutputStreamWriter(child.getOutputStream(),
          StandardCharsets.UTF_8)) {
        long heapBefore = heap(expect(out, "joined"));
        long rssBefore = rss(child.pid());
        List<SocketChannel> peers = java.util.Collections.synchronizedList(new ArrayList<>());
        // The node connects its i-th socket to port i % ports: each port takes its share.
        List<Thread> accepting = new ArrayList<>();
        for (int p = 0; p < servers.size(); p++) {
          ServerSocketChannel server = servers.get(p);
          int share = sockets / servers.size() + (p < sockets % servers.size() ? 1 : 0);
          Thread thread = new Thread(() -> {
            try {
              for (int k = 0; k < share; k++) {
                peers.add(server.accept());
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }, "scale-accept-" + p);
          thread.start();
          accepting.add(thread);
        }
        in.write("connect\n");
        in.flush();
        long heapAfter = heap(expect(out, "ready"));
        for (Thread thread : accepting) {
          thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        if (peers.size() != sockets) {
          throw new IllegalStateException("accepted " + peers.size() + " of " + sockets + " connections");
        }
        long rssAfter = rss(child.pid());
        long cpuBefore = cpuTicks(child.pid());
        long idleStart = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
        double idleCpu = 100.0 * (cpuTicks(child.pid()) - cpuBefore) / CLOCK_TICKS
            / ((System.nanoTime() - idleStart) / 1e9);
        long start = System.nanoTime();
        for (SocketChannel peer : peers) {
          peer.close();
        }
        double stormMillis = (storm.awaitAll() - start) / 1e6;
        in.write("exit\n");
        in.flush();
        if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0) {
          throw new IllegalStateException("the scale node did not leave cleanly");
        }
        consumer.unregister().await();
        storm.requireNoMore();
        return new Figures((double) (heapAfter - heapBefore) / sockets, (double) (rssAfter - rssBefore) / sockets,
            idleCpu, stormMillis);
      } finally {
        child.destroyForcibly();
      }
    } finally {
      for (ServerSocketChannel server : servers) {
        server.close();
      }
    }
  }

  private Process startChild(boolean pool, String peerPorts, Nodes nodes, int childPort) throws IOException {
    // The child runs with this JVM's options (heap, logging, module opens), so both sides are set up alike.
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    // A heap that never gives memory back after System.gc(), so that RSS before and after connecting compare.
    command.add("-XX:MaxHeapFreeRatio=100");
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ScaleNode.class.getName(),
        pool ? "pool" : "raw", Integer.toString(sockets), peerPorts, nodes.clusterName(),
        nodes.members().get(0), Integer.toString(childPort)));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static String expect(BufferedReader out, String step) throws IOException {
    String line = out.readLine();
    if (line == null || !line.startsWith(step + " ")) {
      throw new IllegalStateException("the scale node said '" + line + "' instead of '" + step + "'");
    }
    return line;
  }

  private static long heap(String line) {
    return Long.parseLong(line.substring(line.indexOf("heap=") + 5).trim());
  }

  private static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for process " + pid);
  }

  /** utime + stime of a process, in clock ticks. */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** The consumer's side of the end-of-read storm: one event per socket, checked. */
  private static final class Storm {
    private final int expected;
    private final boolean ordered;
    private final BitSet ids = new BitSet();
    private volatile int count;
    private volatile long lastArrival;
    private volatile String wrong;

    Storm(int expected, boolean ordered) {
      this.expected = expected;
      this.ordered = ordered;
    }

    void arrived(JsonObject body) {
      long now = System.nanoTime();
      SockEvent event = Json.body(body, SockEvent.class);
      if (!event.node().equals("n2")) {
        return;
      }
      int id = (int) event.datafd();
      if (ordered && event.seq() != count + 1) {
        wrong = "event " + event + " arrived as number " + (count + 1);
      } else if (event.txRx() != SockEvent.TX || event.error() != 0 || event.errno() != 0 || ids.get(id)) {
        wrong = "unexpected event " + event;
      }
      ids.set(id);
      count++;
      lastArrival = now;
    }

    void requireNoMore() {
      if (count != expected || wrong != null) {
        throw new IllegalStateException(count + " end-of-read events arrived for " + expected + " sockets"
            + (wrong == null ? "" : ": " + wrong));
      }
    }

    /** Waits for every event; gives when the last arrived. */
    long awaitAll() {
      Stats.awaitQuickly(() -> count >= expected || wrong != null, 120,
          () -> count + " of " + expected + " end-of-read events arrived");
      if (wrong != null) {
        throw new IllegalStateException(wrong);
      }
      if (ids.cardinality() != expected) {
        throw new IllegalStateException(ids.cardinality() + " distinct sockets of " + expected);
      }
      return lastArrival;
    }
  }
}
