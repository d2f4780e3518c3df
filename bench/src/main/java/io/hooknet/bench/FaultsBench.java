package io.hooknet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hooknet.bridge.BridgeVerticle;
import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.FrameDecoder;
import io.hooknet.codec.Json;
import io.hooknet.codec.SockEvent;
import io.hooknet.hooks.HookRegistryVerticle;
import io.hooknet.sockets.SocketPool;
import io.hooknet.sockets.SocketPoolOptions;
import io.hooknet.sockets.SocketPoolVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Socket faults as cluster-wide events on three nodes in this process. n1 has a pool; n2 runs the TCP bridge
 * with a bridged client (a TCP bridge connection read by a thread of this process); n2 and n3 have consumers
 * of {@code hooknet.sock.events}.
 *
 * <p><b>Latency</b>: a peer closes a TCP socket in n1's pool; the time to the local handler, to n2's consumer
 * and to the bridged client. Baseline: a raw clustered publish of the same event JSON from n1, timed to a
 * consumer on n1, on n2 and to the bridged client.
 *
 * <p><b>Throughput</b>: faults as fast as n1's pool reports them (each a datagram too big for UDP written to a
 * datagram datafd, an {@code (RX, -1, EMSGSIZE)} event) to consumers on n2 and n3. Baseline: raw clustered
 * publishes of the same event JSON. Both are paced the same way: at most a window of events ahead of the slower
 * consumer.
 *
 * <p>Every consumer checks each event's {@code seq} (gap-free per pool, and per run for the baseline) and
 * counts gaps, duplicates and losses; the run fails unless all are 0 and every latency event carries exactly the
 * fault that was made.
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
    description = "Socket fault -> notification latency and sustained event throughput on 3 nodes, beside a raw"
        + " clustered publish.")
final class FaultsBench extends BenchCommand {

  @Option(names = "--samples", description = "Latency samples. Default: ${DEFAULT-VALUE}.", defaultValue = "2000")
  int samples;

  @Option(names = "--events", description = "Events in each throughput run. Default: ${DEFAULT-VALUE}.",
      defaultValue = "100000")
  int events;

  @Option(names = "--rounds", description = "Throughput runs of each side, alternating; the median is kept. Default:"
      + " ${DEFAULT-VALUE}.", defaultValue = "3")
  int rounds;

  @Option(names = "--window", description = "Events ahead of the slower consumer at most. Default: ${DEFAULT-VALUE}.",
      defaultValue = "10000")
  int window;

  private static final String BENCH = "faults";
  private static final String RAW = "hooknet.client.bench.raw";
  private static final int WARM_UP_SAMPLES = 200;

  @Override
  void run(Report report) throws Exception {
    int warmUpEvents = Math.min(events, 20_000);
    int capacity = WARM_UP_SAMPLES + samples + warmUpEvents + rounds * events + 10_000;
    try (Nodes nodes = Nodes.start(3)) {
      HooknetCluster n1 = nodes.node(1);
      SocketPoolVerticle pools = new SocketPoolVerticle(n1, new SocketPoolOptions().setMaxChannels(64));
      n1.vertx().deployVerticle(pools).await();
      SocketPool pool = pools.pool();
      int bridgePort = Nodes.freePorts(1).get(0);
      HookRegistryVerticle hooks = new HookRegistryVerticle(nodes.node(2));
      nodes.node(2).vertx().deployVerticle(hooks).await();
      nodes.node(2).vertx().deployVerticle(new BridgeVerticle(new HooknetBridgeOptions().setTcpPort(bridgePort)
          .setHttpPort(Nodes.freePorts(1).get(0)), hooks.registry())).await();

      Tally handler = new Tally("n1 handler", capacity);
      Tally[] sockEvents = {new Tally("n2 consumer", capacity), new Tally("n3 consumer", capacity),
          new Tally("bridged client", capacity)};
      Tally[] raw = {new Tally("raw n1", capacity), new Tally("raw n2", capacity), new Tally("raw n3", capacity),
          new Tally("raw bridged", capacity)};
      consume(nodes.node(2).vertx(), SocketPool.SOCK_EVENTS, sockEvents[0]);
      consume(nodes.node(3).vertx(), SocketPool.SOCK_EVENTS, sockEvents[1]);
      for (int i = 0; i < 3; i++) {
        consume(nodes.node(i + 1).vertx(), RAW, raw[i]);
      }
      Faults faults = new Faults(n1.vertx(), pool, handler);
      try (BridgedClient client = new BridgedClient(bridgePort, sockEvents[2], raw[3])) {
        report.say(BENCH, "%s", "socket faults as events, 3 nodes in one process, "
            + Runtime.getRuntime().availableProcessors() + " cores");
        RawPublisher publisher = new RawPublisher(n1.vertx());
        latency(report, faults, publisher, handler, sockEvents, raw);
        throughput(report, n1.vertx(), faults, publisher, warmUpEvents, sockEvents, raw);
        List<Tally> all = List.of(handler, sockEvents[0], sockEvents[1], sockEvents[2], raw[0], raw[1], raw[2], raw[3]);
        for (Tally tally : all) {
          tally.requireClean();
        }
        report.checked(BENCH, "each of " + all.size() + " receivers (" + String.join(", ",
            all.stream().map(t -> t.name).toList()) + ") got every event once, in seq order: 0 gaps, 0 duplicates,"
            + " 0 lost");
      }
    }
  }

  private void latency(Report report, Faults faults, RawPublisher publisher, Tally handler, Tally[] sockEvents,
      Tally[] raw) throws Exception {
    Tally[] hooknetReceivers = {handler, sockEvents[0], sockEvents[2]};
    Tally[] rawReceivers = {raw[0], raw[1], raw[3]};
    // Subscriptions take a moment to be seen cluster-wide: make events until every receiver gets them, then
    // count from there.
    Stats.pollUntil(() -> {
      long seq = faults.closePeer()[1];
      return settled(sockEvents, seq);
    }, 30, () -> "not every consumer got the sock events: " + Arrays.toString(sockEvents));
    Stats.pollUntil(() -> {
      publisher.publish();
      return settled(raw, publisher.lastSeq());
    }, 30, () -> "not every consumer got the raw publishes: " + Arrays.toString(raw));
    for (Tally tally : List.of(handler, sockEvents[0], sockEvents[1], sockEvents[2])) {
      tally.restartAfter(faults.lastSeq());
    }
    for (Tally tally : raw) {
      tally.restartAfter(publisher.lastSeq());
    }
    long[][] hooknet = new long[3][samples];
    long[][] baseline = new long[3][samples];
    for (int i = -WARM_UP_SAMPLES; i < samples; i++) {
      long[] fault = faults.closePeer();
      long[] rawSample = publisher.publishAndWait(rawReceivers);
      for (int r = 0; r < 3; r++) {
        long arrived = hooknetReceivers[r].arrival(fault[1]);
        if (hooknetReceivers[r].detail(fault[1]) != handler.detail(fault[1])) {
          throw new IllegalStateException(hooknetReceivers[r] + " got another event as seq " + fault[1]);
        }
        if (i >= 0) {
          hooknet[r][i] = (arrived - fault[0]) / 1_000;
          baseline[r][i] = rawSample[r];
        }
      }
    }
    report.checked(BENCH, (WARM_UP_SAMPLES + samples) + " peer closes: each gave exactly one (datafd, channel, TX,"
        + " 0, 0) event with the socket's datafd and the next seq at the handler, n2's consumer and the bridged"
        + " client");
    String[] where = {"local handler", "remote consumer", "bridged client"};
    String[] baselineNames = {"raw publish, consumer on n1", "raw clustered publish, consumer on n2",
        "raw clustered publish, bridged client"};
    report.say(BENCH, "%-44s %10s %10s %10s", "peer close -> notification (us)", "p50", "p99", "p99.9");
    for (int r = 0; r < 3; r++) {
      report.say(BENCH, "%-44s %10d %10d %10d", "hooknet, " + where[r], Stats.percentile(hooknet[r], 50),
          Stats.percentile(hooknet[r], 99), Stats.percentile(hooknet[r], 99.9));
      report.say(BENCH, "%-44s %10d %10d %10d", baselineNames[r], Stats.percentile(baseline[r], 50),
          Stats.percentile(baseline[r], 99), Stats.percentile(baseline[r], 99.9));
    }
    for (int r = 0; r < 3; r++) {
      for (double p : new double[] {50, 99, 99.9}) {
        report.add(Row.cost(BENCH, "peer close -> " + where[r] + ", p" + (p == 99.9 ? "99.9" : (int) p) + " us",
            Stats.percentile(hooknet[r], p), baselineNames[r], Stats.percentile(baseline[r], p)));
      }
    }
  }

  /** Whether every tally has had event {@code seq}, waiting 20 ms for the slower ones. */
  private static boolean settled(Tally[] tallies, long seq) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    while (Arrays.stream(tallies).anyMatch(t -> t.last() < seq)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  private void throughput(Report report, Vertx n1, Faults faults, RawPublisher publisher, int warmUp,
      Tally[] sockEvents, Tally[] raw) throws Exception {
    Tally[] hooknetConsumers = {sockEvents[0], sockEvents[1]};
    Tally[] rawConsumers = {raw[1], raw[2]};
    paced(n1, faults::tooBig, faults.lastSeq(), warmUp, hooknetConsumers);
    paced(n1, publisher::fault, publisher.lastSeq(), warmUp, rawConsumers);
    double[] rates = Stats.alternating(rounds,
        round -> paced(n1, faults::tooBig, faults.lastSeq(), events, hooknetConsumers),
        round -> paced(n1, publisher::fault, publisher.lastSeq(), events, rawConsumers));
    double hooknet = rates[0];
    double baseline = rates[1];
    report.say(BENCH, "%-44s %12s", "sustained events/s, n1 -> consumers on n2 and n3, median of " + rounds,
        "events/s");
    report.say(BENCH, "%-44s %12.0f", "hooknet (EMSGSIZE faults)", hooknet);
    report.say(BENCH, "%-44s %12.0f", "plain datagram socket faults, published raw", baseline);
    report.add(Row.rate(BENCH, "sock events/s from n1 to consumers on n2 and n3", hooknet,
        "the same faults on a plain Vert.x socket, published raw", baseline));
    report.checked(BENCH, (warmUp + rounds * events) + " (RX, -1, EMSGSIZE) events, and as many EMSGSIZE failures of a"
        + " plain datagram socket published raw, each reached both consumers: counts equal, 0 gaps, 0 duplicates");
  }

  /**
   * Makes {@code count} events on n1's event loop, at most {@link #window} ahead of the slower consumer, and gives
   * events per second from the first made to the last arrived at both consumers.
   */
  private double paced(Vertx n1, Runnable make, long firstSeq, int count, Tally[] consumers) {
    AtomicLong made = new AtomicLong();
    long target = firstSeq + count;
    long start = System.nanoTime();
    n1.runOnContext(v -> new Runnable() {
      @Override
      public void run() {
        long behind = Math.min(consumers[0].last(), consumers[1].last()) - firstSeq;
        long batch = Math.min(count - made.get(), Math.min(500, window - (made.get() - behind)));
        for (long i = 0; i < batch; i++) {
          make.run();
        }
        made.addAndGet(Math.max(0, batch));
        if (made.get() < count) {
          if (batch > 0) {
            n1.runOnContext(next -> run());
          } else {
            n1.setTimer(1, next -> run());
          }
        }
      }
    }.run());
    Stats.awaitQuickly(() -> consumers[0].last() >= target && consumers[1].last() >= target, 120,
        () -> consumers[0] + ", " + consumers[1] + ", made " + made.get() + " of " + count);
    long end = Math.max(consumers[0].arrival(target), consumers[1].arrival(target));
    return count / ((end - start) / 1e9);
  }

  private static void consume(Vertx vertx, String address, Tally tally) {
    vertx.eventBus().<JsonObject>consumer(address, message -> {
      long now = System.nanoTime();
      tally.arrived(Json.body(message.body(), SockEvent.class), now);
    }).completion().await();
  }

  /**
   * What one receiver got: arrival time and the event's (datafd, txRx, error, errno) by seq, and the gaps and
   * duplicates it saw after its base seq. One thread writes it.
   */
  private static final class Tally {
    private final String name;
    private final long[] arrivals;
    private final long[] details;
    private volatile long base;
    private volatile long last;
    private volatile long count;
    private long gaps;
    private long duplicates;

    Tally(String name, int capacity) {
      this.name = name;
      this.arrivals = new long[capacity];
      this.details = new long[capacity];
    }

    /** Packs what identifies a fault, to compare what different receivers got for one seq. */
    static long detail(long datafd, int txRx, int error, int errno) {
      return datafd << 24 | (long) txRx << 16 | (error & 0xffL) << 8 | errno & 0xffL;
    }

    void arrived(SockEvent event, long now) {
      arrived(event.seq(), detail(event.datafd(), event.txRx(), event.error(), event.errno()), now);
    }

    void arrived(long seq, long detail, long now) {
      if (seq <= last) {
        duplicates++;
        return;
      }
      if (seq != last + 1) {
        gaps += seq - last - 1;
      }
      if (seq >= arrivals.length) {
        throw new IllegalStateException(name + " got seq " + seq + ", over its capacity " + arrivals.length);
      }
      arrivals[(int) seq] = now;
      details[(int) seq] = detail;
      count++;
      last = seq;
    }

    long last() {
      return last;
    }

    /** When event {@code seq} arrived; waits for it for up to 30 s. */
    long arrival(long seq) {
      Stats.awaitQuickly(() -> last >= seq, 30, () -> name + " waited for seq " + seq + ": " + this);
      if (arrivals[(int) seq] == 0) {
        throw new IllegalStateException(name + " never got seq " + seq);
      }
      return arrivals[(int) seq];
    }

    long detail(long seq) {
      arrival(seq);
      return details[(int) seq];
    }

    /** Forgets what came before: from now on events must follow {@code seq} without a gap. */
    void restartAfter(long seq) {
      gaps = 0;
      duplicates = 0;
      count = 0;
      base = seq;
      last = seq;
    }

    void requireClean() {
      if (gaps != 0 || duplicates != 0 || count != last - base) {
        throw new IllegalStateException(this + " is not gap-free");
      }
    }

    @Override
    public String toString() {
      return name + " [after seq " + base + ": last seq " + last + ", count " + count + ", gaps " + gaps
          + ", duplicates " + duplicates + "]";
    }
  }

  /** The pool side of the faults: TCP sockets whose peers close, and a datagram datafd that overflows. */
  private static final class Faults {
    private final SocketPool pool;
    private final Tally handler;
    private final NetServer server;
    private final BlockingQueue<Long> added = new ArrayBlockingQueue<>(1);
    private final Buffer tooBig = Buffer.buffer(new byte[SocketPool.MAX_PACKET_SIZE]);
    private final int udpChannel;
    private volatile long lastSeq;

    Faults(Vertx vertx, SocketPool pool, Tally handler) throws Exception {
      this.pool = pool;
      this.handler = handler;
      pool.sockNotifyHandler(event -> {
        handler.arrived(event, System.nanoTime());
        lastSeq = event.seq();
        if (event.txRx() == SockEvent.TX) {
          pool.remove(event.datafd());
        }
      }).await();
      server = vertx.createNetServer().connectHandler(socket -> pool.add(socket, -1)
          .onSuccess(info -> added.add(info.datafd()))
          .onFailure(failure -> socket.close())).listen(0, "127.0.0.1").await();
      DatagramSocket udp = vertx.createDatagramSocket();
      udp.listen(0, "127.0.0.1").await();
      try (java.net.DatagramSocket peer = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        udpChannel = pool.add(udp, SocketAddress.inetSocketAddress(peer.getLocalPort(), "127.0.0.1"), -1).await()
            .channel();
      }
    }

    /**
     * Connects a peer to a new pool socket and closes it; gives {when the peer closed, the event's seq} once the
     * handler has the event, checked to be the one end of read of that socket.
     */
    long[] closePeer() throws Exception {
      long seq = lastSeq + 1;
      Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.actualPort());
      Long datafd = added.poll(30, TimeUnit.SECONDS);
      if (datafd == null) {
        throw new IllegalStateException("the pool did not take the socket in 30 s");
      }
      long closed = System.nanoTime();
      peer.close();
      long expected = Tally.detail(datafd, SockEvent.TX, 0, 0);
      if (handler.detail(seq) != expected) {
        throw new IllegalStateException("event " + seq + " at the handler is not the end of read of datafd "
            + datafd);
      }
      return new long[] {closed, seq};
    }

    /** Writes a datagram too big for UDP to the datagram datafd: one (RX, -1, EMSGSIZE) event. */
    void tooBig() {
      pool.deliver(udpChannel, tooBig);
    }

    long lastSeq() {
      return lastSeq;
    }
  }

  /**
   * Raw clustered publishes of a sock event's JSON, numbered by their own seq; for the throughput baseline, each
   * after the same fault made on a plain Vert.x datagram socket (a datagram too big for UDP, EMSGSIZE).
   */
  private static final class RawPublisher {
    private final Vertx vertx;
    private final LongFunction<JsonObject> event = seq -> Json.toJson(SockEvent.of("n1", "default", 7, 0,
        SockEvent.RX, -1, 90, 1, seq, System.currentTimeMillis() * 1000));
    private final Buffer tooBig = Buffer.buffer(new byte[SocketPool.MAX_PACKET_SIZE]);
    private final DatagramSocket udp;
    private final int peerPort;
    private volatile long seq;

    RawPublisher(Vertx vertx) throws Exception {
      this.vertx = vertx;
      this.udp = vertx.createDatagramSocket();
      udp.listen(0, "127.0.0.1").await();
      try (java.net.DatagramSocket peer = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        peerPort = peer.getLocalPort();
      }
    }

    /** Writes a datagram too big for UDP on the plain socket and publishes the event once the write fails. */
    void fault() {
      udp.send(tooBig, peerPort, "127.0.0.1").onFailure(failure -> publish());
    }

    void publish() {
      vertx.eventBus().publish(RAW, event.apply(++seq));
    }

    long lastSeq() {
      return seq;
    }

    /** Publishes one event and gives each receiver's latency in microseconds. */
    long[] publishAndWait(Tally[] receivers) {
      long sent = System.nanoTime();
      long number = seq + 1;
      publish();
      long[] latencies = new long[receivers.length];
      for (int r = 0; r < receivers.length; r++) {
        latencies[r] = (receivers[r].arrival(number) - sent) / 1_000;
      }
      return latencies;
    }
  }

  /** A client of n2's TCP bridge, registered for the sock events and the raw baseline; read by its own thread. */
  private static final class BridgedClient implements AutoCloseable {
    private static final int MAX_FRAME = 1 << 20;
    private final Socket socket;
    private final Thread reader;

    BridgedClient(int port, Tally events, Tally raw) throws Exception {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      for (String address : List.of(SocketPool.SOCK_EVENTS, RAW)) {
        out.write(FrameDecoder.frame(new JsonObject().put("type", "register").put("address", address).toBuffer())
            .getBytes());
      }
      out.flush();
      ObjectMapper mapper = new ObjectMapper();
      FrameDecoder decoder = new FrameDecoder(MAX_FRAME, frame -> {
        long now = System.nanoTime();
        JsonNode message = readTree(mapper, frame);
        if (!"message".equals(message.path("type").asText())) {
          throw new IllegalStateException("the bridge answered " + message);
        }
        Tally tally = RAW.equals(message.path("address").asText()) ? raw : events;
        JsonNode body = message.path("body");
        tally.arrived(body.path("seq").asLong(), Tally.detail(body.path("datafd").asLong(),
            body.path("txRx").asInt(), body.path("error").asInt(), body.path("errno").asInt()), now);
      }, length -> {
        throw new IllegalStateException("the bridge sent a frame of " + length + " bytes");
      });
      InputStream in = socket.getInputStream();
      reader = new Thread(() -> {
        byte[] chunk = new byte[1 << 16];
        try {
          for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
            decoder.feed(Buffer.buffer(Arrays.copyOf(chunk, read)));
          }
        } catch (IOException closed) {
          // the benchmark is over
        }
      }, "bridged-client");
      reader.setDaemon(true);
      reader.start();
    }

    private static JsonNode readTree(ObjectMapper mapper, Buffer frame) {
      try {
        return mapper.readTree(frame.getBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
      reader.join(5_000);
    }
  }
}
