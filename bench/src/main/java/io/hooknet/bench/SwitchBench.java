package io.hooknet.bench;

import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.PoolCommand.Endpoint;
import io.hooknet.codec.Replies.EndpointInfo;
import io.hooknet.sockets.SocketPool;
import io.hooknet.sockets.SocketPoolVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Channel switching throughput: packets written into a channel's endpoint on node n1 and read from the same
 * channel's endpoint on node n2 (two clustered nodes in this process), through TCP endpoints (channel 0) and through
 * Unix domain endpoints (channel 1, the counterpart of the socketpair libknet makes for its datafd), beside the
 * same framed traffic over a plain TCP socket pair on loopback, the same payloads sent raw over the clustered event
 * bus, and libknet. Every run checks that each packet arrived once, whole and in order.
 */
@Command(name = "switch", mixinStandardHelpOptions = true,
    description = "Channel data from a datafd on n1 to a datafd on n2, beside plain TCP, the raw event bus and"
        + " libknet.")
final class SwitchBench extends BenchCommand {

  @Option(names = "--sizes", split = ",", description = "Packet sizes in bytes. Default: ${DEFAULT-VALUE}.",
      defaultValue = "64,256,1024,4096,16384,65536")
  List<Integer> sizes;

  @Option(names = "--megabytes", description = "Data per size and path (so that a run of large packets lasts about"
      + " a second, not a tenth, where a pause of the collector or the scheduler decides the figure). Default:"
      + " ${DEFAULT-VALUE}.", defaultValue = "1024")
  int megabytes;

  @Option(names = "--max-packets", description = "Packets per size and path at most. Default: ${DEFAULT-VALUE}.",
      defaultValue = "50000")
  int maxPackets;

  @Option(names = "--runs", description = "Runs per size and path; the median is kept. Default: ${DEFAULT-VALUE}.",
      defaultValue = "3")
  int runs;

  @Option(names = "--knet", description = "The libknet baseline program (bench/knet/knet_switch.c, built by"
      + " bench/run); without it the libknet column is left out.")
  Path knet;

  static final String BENCH = "switch";
  private static final String RAW = "bench.switch.raw";
  private static final int TCP_CHANNEL = 0;
  private static final int UNIX_CHANNEL = 1;

  @Override
  void run(Report report) throws Exception {
    Map<Integer, Double> knetRates = knet == null ? Map.of() : Knet.run(knet, sizes, megabytes, maxPackets, runs,
        report);
    try (Nodes nodes = Nodes.start(2)) {
      SocketPool[] pools = deployPools(nodes.all());
      Framed[] tcpApps = attachApps(pools, Endpoint.TCP, TCP_CHANNEL);
      Framed[] unixApps = attachApps(pools, Endpoint.UNIX, UNIX_CHANNEL);
      RawBus raw = new RawBus(nodes.node(1).vertx(), nodes.node(2).vertx());
      report.say(BENCH, "%s", "channel switching, n1 datafd -> n2 datafd (2 nodes, one process), "
          + Runtime.getRuntime().availableProcessors() + " cores; hooknet through TCP endpoints (channel "
          + TCP_CHANNEL + ") and through Unix domain endpoints (channel " + UNIX_CHANNEL + ")");
      report.say(BENCH, "%8s %9s | %12s %9s | %12s %9s | %12s %9s | %12s %9s | %12s %9s", "size", "packets",
          "hooknet tcp", "MB/s", "hooknet unix", "MB/s", "TCP p/s", "MB/s", "eventbus p/s", "MB/s", "libknet p/s",
          "MB/s");
      for (int size : sizes) {
        int packets = packets(size, megabytes, maxPackets);
        Framed.transfer(tcpApps[0], tcpApps[1], Math.min(packets, 2_000), size);
        Framed.transfer(unixApps[0], unixApps[1], Math.min(packets, 2_000), size);
        raw.run(Math.min(packets, 2_000), size);
        double[][] rates = new double[4][runs];
        for (int run = 0; run < runs; run++) {
          rates[0][run] = Framed.transfer(tcpApps[0], tcpApps[1], packets, size);
          rates[1][run] = Framed.transfer(unixApps[0], unixApps[1], packets, size);
          rates[2][run] = plainTcp(packets, size);
          rates[3][run] = raw.run(packets, size);
        }
        double tcpEndpoints = Stats.median(rates[0]);
        double unixEndpoints = Stats.median(rates[1]);
        double tcp = Stats.median(rates[2]);
        double bus = Stats.median(rates[3]);
        double knetRate = knetRates.getOrDefault(size, Double.NaN);
        report.say(BENCH, "%8d %9d | %12.0f %9.1f | %12.0f %9.1f | %12.0f %9.1f | %12.0f %9.1f | %12.0f %9.1f",
            size, packets, tcpEndpoints, tcpEndpoints * size / 1e6, unixEndpoints, unixEndpoints * size / 1e6, tcp,
            tcp * size / 1e6, bus, bus * size / 1e6, knetRate, knetRate * size / 1e6);
        String overTcp = size + " B packets, TCP endpoints, packets/s";
        String overUnix = size + " B packets, Unix endpoints, packets/s";
        if (knet != null) {
          report.add(Row.rate(BENCH, overUnix, unixEndpoints, "libknet, 2 handles (datafd a socketpair)", knetRate));
          report.add(Row.rate(BENCH, overTcp, tcpEndpoints, "libknet, 2 handles (datafd a socketpair)", knetRate));
        }
        report.add(Row.rate(BENCH, overTcp, tcpEndpoints, "plain TCP socket pair", tcp));
        report.add(Row.rate(BENCH, overUnix, unixEndpoints, "plain TCP socket pair", tcp));
        report.add(Row.rate(BENCH, overTcp, tcpEndpoints, "raw clustered event bus send, paced", bus));
      }
      report.checked(BENCH, "every packet on every path arrived once, whole and in order (number and length"
          + " checked at the reader) for sizes " + sizes + "; each figure is the median of " + runs + " runs");
    }
  }

  /** Packets per size: {@code megabytes} of data, at least 100 and at most {@code maxPackets}. */
  static int packets(int size, int megabytes, int maxPackets) {
    return Math.max(100, Math.min(maxPackets, (int) ((long) megabytes * 1_000_000 / size)));
  }

  /** A pool on each node, forwarding, with {@code SocketPool.removeOnFault} as its handler. */
  private static SocketPool[] deployPools(List<HooknetCluster> nodes) {
    SocketPool[] pools = new SocketPool[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      SocketPoolVerticle verticle = new SocketPoolVerticle(nodes.get(i));
      nodes.get(i).vertx().deployVerticle(verticle).await();
      pools[i] = verticle.pool();
      pools[i].sockNotifyHandler(SocketPool.removeOnFault(pools[i])).await();
      pools[i].setFwd(true).await();
    }
    return pools;
  }

  /** A pool endpoint of {@code kind} on {@code channel} of each node, with a connected process side. */
  private static Framed[] attachApps(SocketPool[] pools, Endpoint kind, int channel) throws Exception {
    Framed[] apps = new Framed[pools.length];
    for (int i = 0; i < pools.length; i++) {
      SocketPool pool = pools[i];
      EndpointInfo endpoint = pool.addEndpoint(kind, channel).await();
      apps[i] = Framed.attach(kind, endpoint.address());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (pool.deliver(channel, Buffer.buffer()).transform(ar -> Future.succeededFuture(ar.succeeded())).await()
          == Boolean.FALSE) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the " + kind + " endpoint of n" + (i + 1) + " was not connected");
        }
        Thread.sleep(10);
      }
      apps[i].read(0);
    }
    return apps;
  }

  private static double plainTcp(int packets, int size) throws IOException, InterruptedException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      return Framed.transfer(Framed.tcp(client), Framed.tcp(accepted), packets, size);
    }
  }

  /** A process's side of a framed stream: 4-byte length, then the payload whose first 4 bytes number it. */
  static final class Framed {
    private final DataInputStream in;
    private final DataOutputStream out;

    private Framed(InputStream from, OutputStream to) {
      in = new DataInputStream(new BufferedInputStream(from, 1 << 17));
      out = new DataOutputStream(new BufferedOutputStream(to, 1 << 17));
    }

    /** Connects to a pool endpoint of {@code kind} at {@code address} ({@code host:port} or a socket file). */
    static Framed attach(Endpoint kind, String address) throws IOException {
      if (kind == Endpoint.UNIX) {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(address));
        return new Framed(Channels.newInputStream(channel), Channels.newOutputStream(channel));
      }
      int colon = address.lastIndexOf(':');
      return tcp(new Socket(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
    }

    /** A TCP connection, each write sent at once. */
    static Framed tcp(Socket socket) throws IOException {
      socket.setTcpNoDelay(true);
      return new Framed(socket.getInputStream(), socket.getOutputStream());
    }

    /** Writes {@code packets} from {@code from} and reads them at {@code to}; gives packets per second. */
    static double transfer(Framed from, Framed to, int packets, int size) throws InterruptedException {
      byte[] payload = new byte[size];
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < packets; i++) {
            payload[0] = (byte) (i >>> 24);
            payload[1] = (byte) (i >>> 16);
            payload[2] = (byte) (i >>> 8);
            payload[3] = (byte) i;
            from.out.writeInt(size);
            from.out.write(payload);
          }
          from.out.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      long start = System.nanoTime();
      try {
        for (int i = 0; i < packets; i++) {
          to.read(i, size);
        }
        writing.join();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return packets / ((System.nanoTime() - start) / 1e9);
    }

    void read(int length) throws IOException {
      int got = in.readInt();
      if (got != length) {
        throw new IllegalStateException("expected a packet of " + length + " bytes, got " + got);
      }
      in.skipNBytes(length);
    }

    private void read(int number, int size) throws IOException {
      int length = in.readInt();
      int got = in.readInt();
      if (length != size || got != number) {
        throw new IllegalStateException("expected packet " + number + " of " + size + " bytes, got packet " + got
            + " of " + length);
      }
      in.skipNBytes(size - 4);
    }
  }

  /**
   * The baseline: the same payloads sent from n1 to a consumer on n2 on the raw clustered event bus, at most
   * 1,024 packets or 4 MiB ahead of the consumer (unpaced, large packets pile up in memory and the figure
   * measures the garbage collector).
   */
  private static final class RawBus {
    private static final int WINDOW_PACKETS = 1024;
    private static final int WINDOW_BYTES = 4 << 20;
    private final Vertx from;
    private final AtomicInteger received = new AtomicInteger();
    private volatile CompletableFuture<Void> done;
    private volatile int expected;

    RawBus(Vertx from, Vertx to) throws InterruptedException {
      this.from = from;
      to.eventBus().<Buffer>consumer(RAW, message -> {
        int n = message.body().getInt(0);
        int count = received.getAndIncrement();
        if (n != count) {
          done.completeExceptionally(new IllegalStateException("raw packet " + n + " arrived as number " + count));
        } else if (count + 1 == expected) {
          done.complete(null);
        }
      }).completion().await();
      to.eventBus().consumer(RAW + ".ready", message -> message.reply("ok")).completion().await();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (from.eventBus().request(RAW + ".ready", "ping").transform(ar -> Future.succeededFuture(ar.succeeded()))
          .await() == Boolean.FALSE) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("n2's consumer is not reachable from n1");
        }
        Thread.sleep(10);
      }
    }

    double run(int packets, int size) {
      received.set(0);
      expected = packets;
      done = new CompletableFuture<>();
      int window = Math.max(1, Math.min(WINDOW_PACKETS, WINDOW_BYTES / size));
      int[] sent = {0};
      long start = System.nanoTime();
      from.runOnContext(v -> new Runnable() {
        @Override
        public void run() {
          while (sent[0] < packets && sent[0] - received.get() < window) {
            Buffer payload = Buffer.buffer(new byte[size]);
            payload.setInt(0, sent[0]++);
            from.eventBus().send(RAW, payload);
          }
          if (sent[0] < packets) {
            from.setTimer(1, t -> run());
          }
        }
      }.run());
      done.join();
      return packets / ((System.nanoTime() - start) / 1e9);
    }
  }
}
