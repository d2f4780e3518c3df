package io.hooknet.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.PoolCommand.Endpoint;
import io.hooknet.codec.Replies.ChannelStats;
import io.hooknet.codec.Replies.EndpointInfo;
import io.hooknet.codec.Replies.SocketState;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.SocketAddress;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Channel data switched between three nodes: what a process writes into channel C on n1 comes out of channel C
 * on n2 and n3, whole, in order, and as the destination filter says.
 */
class ChannelSwitchTest {

  private static final AtomicInteger POOLS = new AtomicInteger();
  private static LocalCluster cluster;
  private static final List<SocketPoolVerticle> verticles = new ArrayList<>();

  private final List<SocketPool> pools = new ArrayList<>();
  private final List<AutoCloseable> apps = new ArrayList<>();

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(ChannelSwitchTest.class, 3);
    for (int i = 0; i < 3; i++) {
      SocketPoolVerticle verticle = new SocketPoolVerticle(cluster.node(i));
      Await.result(cluster.vertx(i).deployVerticle(verticle));
      verticles.add(verticle);
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** A pool of the same new name on every node, forwarding, with corosync's handler. */
  private void pools(SocketPoolOptions options) {
    String name = "switch" + POOLS.incrementAndGet();
    for (SocketPoolVerticle verticle : verticles) {
      SocketPool pool = Await.result(verticle.createPool(new SocketPoolOptions(options).setName(name)));
      Await.result(pool.sockNotifyHandler(SocketPool.removeOnFault(pool)));
      Await.result(pool.setFwd(true));
      pools.add(pool);
    }
  }

  @AfterEach
  void closeApps() throws Exception {
    for (AutoCloseable app : apps) {
      app.close();
    }
    for (int i = 0; i < pools.size(); i++) {
      Await.result(verticles.get(i).closePool(pools.get(i).name()));
    }
  }

  @Test
  void tenThousandFramedPacketsArriveWholeAndInOrderOnEveryOtherNode() throws Exception {
    pools(new SocketPoolOptions());
    List<Framed> apps = new ArrayList<>();
    for (SocketPool pool : pools) {
      apps.add(attach(pool, 0));
    }
    int count = 10_000;
    Thread writer = new Thread(() -> {
      try {
        for (int i = 0; i < count; i++) {
          apps.get(0).write(packet(i, i % 1500));
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    writer.start();
    // Both receivers read at once: the slower one holds the sender back (backpressure), so reading them one
    // after the other would stall the first.
    List<CompletableFuture<Void>> reading = new ArrayList<>();
    for (Framed receiver : apps.subList(1, 3)) {
      reading.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < count; i++) {
          assertThat(receiver.readUnchecked()).as("packet %d", i).isEqualTo(packet(i, i % 1500));
        }
      }));
    }
    CompletableFuture.allOf(reading.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    writer.join();
    ChannelStats sent = stats(0, 0);
    assertThat(sent.packetsTx()).isEqualTo(count);
    assertThat(sent.drops()).as("only accept probes sent before the app connected")
        .isEqualTo(sent.dropsByReason().getOrDefault("notConnected", 0L));
    for (int node = 1; node < 3; node++) {
      assertThat(stats(node, 0).packetsRx()).as("with the empty accept probe").isEqualTo(count + 1);
      assertThat(stats(node, 0).bytesRx()).isEqualTo(sent.bytesTx());
    }
  }

  @Test
  void datagramsKeepTheirBoundaries() throws Exception {
    pools(new SocketPoolOptions());
    List<java.net.DatagramSocket> apps = new ArrayList<>();
    List<Integer> poolPorts = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      java.net.DatagramSocket app = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      app.setSoTimeout(10_000);
      this.apps.add(app::close);
      apps.add(app);
      DatagramSocket udp = Await.result(cluster.vertx(node).createDatagramSocket().listen(0, "127.0.0.1"));
      this.apps.add(() -> Await.result(udp.close()));
      Await.result(pools.get(node).add(udp, SocketAddress.inetSocketAddress(app.getLocalPort(), "127.0.0.1"), 2));
      poolPorts.add(udp.localAddress().port());
    }
    InetSocketAddress intoN1 = new InetSocketAddress("127.0.0.1", poolPorts.get(0));
    for (int i = 0; i < 100; i++) {
      byte[] bytes = packet(i, i * 37 % 1400);
      apps.get(0).send(new DatagramPacket(bytes, bytes.length, intoN1));
    }
    for (java.net.DatagramSocket receiver : apps.subList(1, 3)) {
      for (int i = 0; i < 100; i++) {
        DatagramPacket datagram = new DatagramPacket(new byte[2048], 2048);
        receiver.receive(datagram);
        byte[] got = java.util.Arrays.copyOf(datagram.getData(), datagram.getLength());
        assertThat(got).as("datagram %d", i).isEqualTo(packet(i, i * 37 % 1400));
      }
    }
  }

  @Test
  void filtersRouteToOneNodeDropOrRewriteTheChannel() throws Exception {
    pools(new SocketPoolOptions());
    Framed onB0 = attach(pools.get(1), 0);
    Framed onC0 = attach(pools.get(2), 0);
    Framed onB1 = attach(pools.get(1), 1);
    Framed onC1 = attach(pools.get(2), 1);
    SocketPool a = pools.get(0);

    Await.result(a.destinationFilter((packet, txRx, self, source) -> Route.to("n2")));
    assertThat(Await.result(a.sendSync(0, Buffer.buffer("only to n2")))).containsExactly(new Delivery("n2", 0));
    assertThat(onB0.read()).isEqualTo("only to n2".getBytes());

    Await.result(a.destinationFilter((packet, txRx, self, source) -> Route.drop()));
    assertThat(Await.result(a.sendSync(0, Buffer.buffer("nowhere")))).isEmpty();
    assertThat(stats(0, 0).dropsByReason()).isEqualTo(Map.of("filtered", 1L));

    List<SwitchedPacket> seenOnB = new java.util.concurrent.CopyOnWriteArrayList<>();
    Await.result(pools.get(1).switchedPacketHandler(seenOnB::add));
    Await.result(a.destinationFilter((packet, txRx, self, source) -> Route.broadcast().onChannel(1)));
    assertThat(Await.result(a.sendSync(0, Buffer.buffer("moved")))).containsExactlyInAnyOrder(
        new Delivery("n2", 0), new Delivery("n3", 0));
    assertThat(onB1.read()).isEqualTo("moved".getBytes());
    assertThat(seenOnB).containsExactly(new SwitchedPacket("n1", 1, Buffer.buffer("moved")));
    assertThat(onC1.read()).isEqualTo("moved".getBytes());

    Await.result(a.destinationFilter(null));
    Await.result(a.sendSync(0, Buffer.buffer("to all")));
    assertThat(onB0.read()).isEqualTo("to all".getBytes());
    assertThat(onC0.read()).as("n3 got nothing before this").isEqualTo("to all".getBytes());
  }

  @Test
  void sendSyncReportsEachFailure() throws Exception {
    pools(new SocketPoolOptions());
    SocketPool a = pools.get(0);
    attach(pools.get(1), 0);
    SocketPoolApiTest.assertErrno(a.sendSync(0, Buffer.buffer(new byte[SocketPool.MAX_PACKET_SIZE + 1])), 90,
        "EMSGSIZE: a packet of 65537 bytes is over the limit of 65536");
    SocketPoolApiTest.assertErrno(a.sendSync(32, Buffer.buffer("x")), 22, "EINVAL: channel 32 is out of range 0-31");
    SocketPoolApiTest.assertErrno(a.send(-1, Buffer.buffer("x")), 22, "EINVAL: channel -1 is out of range 0-31");

    assertThat(Await.result(a.sendSync(0, Buffer.buffer("n3 has no socket on 0")))).containsExactlyInAnyOrder(
        new Delivery("n2", 0), new Delivery("n3", 6));
    assertThat(stats(2, 0).dropsByReason()).isEqualTo(Map.of("noSocket", 1L));

    Await.result(a.destinationFilter((packet, txRx, self, source) -> Route.to("n2", "nope")));
    assertThat(Await.result(a.sendSync(0, Buffer.buffer("x")))).containsExactly(
        new Delivery("n2", 0), new Delivery("nope", 112));
    assertThat(new Delivery("nope", 112).errnoName()).isEqualTo("EHOSTDOWN");

    Await.result(pools.get(1).setFwd(false));
    assertThat(Await.result(a.sendSync(0, Buffer.buffer("x")))).containsExactly(
        new Delivery("n2", 125), new Delivery("nope", 112));
    Await.result(a.setFwd(false));
    SocketPoolApiTest.assertErrno(a.sendSync(0, Buffer.buffer("x")), 125,
        "ECANCELED: pool '" + a.name() + "' on node 'n1' does not forward; call setFwd(true) first");
    SocketPoolApiTest.assertErrno(a.send(0, Buffer.buffer("x")), 125,
        "ECANCELED: pool '" + a.name() + "' on node 'n1' does not forward; call setFwd(true) first");
  }

  @Test
  void aReceiverThatStopsReadingHoldsTheSenderBackWithBoundedMemory() throws Exception {
    pools(new SocketPoolOptions().setSendWindow(64));
    Framed sender = attach(pools.get(0), 0);
    Framed stalled = attach(pools.get(1), 0);
    Await.result(pools.get(0).destinationFilter((packet, txRx, self, source) -> Route.to("n2")));
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long heapBefore = heapAfterGc(memory);
    AtomicInteger written = new AtomicInteger();
    AtomicInteger limit = new AtomicInteger(Integer.MAX_VALUE);
    Thread writer = new Thread(() -> {
      try {
        for (int i = 0; i < limit.get(); i++) {
          sender.write(packet(i, 65_532));
          written.incrementAndGet();
        }
      } catch (IOException e) {
        // the socket was closed under a blocked write at the end of the test
      }
    });
    writer.start();

    Await.until("n1 to stop reading its socket", Await.DEFAULT,
        () -> Await.result(pools.get(0).get(0)).state() == SocketState.PAUSED);
    int stalledAt = awaitSteady(written);
    long heapStalled = heapAfterGc(memory) - heapBefore;
    int stillStalled = awaitSteady(written);
    long heapLater = heapAfterGc(memory) - heapBefore;
    System.out.printf("backpressure: the writer stalled after %d packets of 64 KiB; heap above the start: "
        + "%d MiB, then %d MiB%n", stalledAt, heapStalled >> 20, heapLater >> 20);
    assertThat(stillStalled).isEqualTo(stalledAt);
    // 64 packets in flight and the sockets' kernel buffers, not the thousands the writer would push otherwise.
    assertThat((long) stalledAt * 65_536).isLessThan(64L << 20);
    assertThat(heapStalled).isLessThan(64L << 20);
    assertThat(heapLater).isLessThan(64L << 20);

    int total = stalledAt + 2_000;
    limit.set(total);
    for (int i = 0; i < total; i++) {
      assertThat(stalled.read()).as("packet %d", i).isEqualTo(packet(i, 65_532));
    }
    writer.join(30_000);
    assertThat(written.get()).isEqualTo(total);
    assertThat(Await.result(pools.get(0).get(0)).state()).isEqualTo(SocketState.ACTIVE);
  }

  /** Waits until {@code counter} has not moved for half a second and gives its value. */
  private static int awaitSteady(AtomicInteger counter) {
    int[] last = {-1};
    long[] since = {System.nanoTime()};
    Await.until("the writer to stall", Await.DEFAULT, () -> {
      int now = counter.get();
      if (now != last[0]) {
        last[0] = now;
        since[0] = System.nanoTime();
      }
      return System.nanoTime() - since[0] > 500_000_000L;
    });
    return last[0];
  }

  private static long heapAfterGc(MemoryMXBean memory) {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private Framed attach(SocketPool pool, int channel) throws IOException {
    EndpointInfo endpoint = Await.result(pool.addEndpoint(Endpoint.TCP, channel));
    String[] hostPort = endpoint.address().split(":");
    Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
    socket.setSoTimeout(20_000);
    apps.add(socket);
    EndpointTest.awaitAccepted(pool, endpoint);
    Framed app = new Framed(socket);
    assertThat(app.read()).as("the accept probe").isEmpty();
    return app;
  }

  private ChannelStats stats(int node, int channel) {
    return LocalPool.stats(pools.get(node), channel);
  }

  /** Packet {@code i}: its number, then {@code extra} bytes derived from it. */
  static byte[] packet(int i, int extra) {
    ByteBuffer bytes = ByteBuffer.allocate(4 + extra).putInt(i);
    for (int k = 0; k < extra; k++) {
      bytes.put((byte) (i + k));
    }
    return bytes.array();
  }

  /** A process's side of a pool endpoint. */
  static final class Framed {
    private final DataInputStream in;
    private final DataOutputStream out;

    Framed(Socket socket) throws IOException {
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    void write(byte[] payload) throws IOException {
      EndpointTest.writeFrame(out, payload);
    }

    byte[] read() throws IOException {
      return EndpointTest.readFrame(in);
    }

    byte[] readUnchecked() {
      try {
        return read();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
