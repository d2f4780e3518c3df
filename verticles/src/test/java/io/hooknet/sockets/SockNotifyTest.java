package io.hooknet.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Json;
import io.hooknet.codec.Replies.ChannelStats;
import io.hooknet.codec.Replies.SocketInfo;
import io.hooknet.codec.Replies.SocketState;
import io.hooknet.codec.SockEvent;
import io.hooknet.testing.Await;
import io.hooknet.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.SocketAddress;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sock notify with real sockets: each fault gives exactly one {@code (datafd, channel, txRx, error, errno)}, and
 * the handler may remove, replace or ignore the socket from inside the callback.
 *
 * <p>"Exactly one" is checked with a marker: after the fault under test a second socket faults, and the events
 * must be the fault then the marker, with consecutive {@code seq}. A repeated event would sit between them.
 */
class SockNotifyTest {

  private LocalPool local;
  private Vertx vertx;
  private SocketPool pool;
  private Peers peers;
  private String node;
  private Events events;
  private final List<SockEvent> published = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    local = new LocalPool("notify");
    vertx = local.vertx;
    pool = local.pool;
    peers = local.peers;
    node = local.node;
    events = new Events();
    published.clear();
    Await.result(pool.sockNotifyHandler(events));
    Await.result(vertx.eventBus().consumer(SocketPool.SOCK_EVENTS, m -> published.add(Json.body(m.body(), SockEvent.class)))
        .completion());
  }

  @AfterEach
  void stop() throws Exception {
    local.close();
  }

  @Test
  void aPeerThatClosesGivesOneEndOfRead() throws Exception {
    Peers.Tcp pair = peers.tcp();
    Await.result(pool.add(pair.socket(), 5));
    long before = micros();
    pair.peer().close();
    List<SockEvent> seen = withMarker();
    assertEvent(seen.get(0), 1, 5, SockEvent.TX, 0, 0, 1);
    assertThat(seen.get(0).ts()).isBetween(before, micros());
    assertThat(seen.get(0).errnoName()).isNull();
    assertThat(Await.result(pool.get(5))).isEqualTo(new SocketInfo(1, 5, "tcp", SocketState.ERROR, null));
    assertThat(published).isEqualTo(seen);
    assertThat(events.threads()).allSatisfy(thread -> assertThat(thread.getName()).startsWith("vert.x-eventloop"));
  }

  @Test
  void aPeerThatResetsGivesOneEconnresetAndTheSocketStaysInThePool() throws Exception {
    Peers.Tcp pair = peers.tcp();
    Await.result(pool.add(pair.socket(), -1));
    pair.reset();
    List<SockEvent> seen = withMarker();
    assertEvent(seen.get(0), 1, 0, SockEvent.TX, -1, 104, 1);
    assertThat(seen.get(0).errnoName()).isEqualTo("ECONNRESET");
    assertThat(Await.result(pool.channelOf(1)).state()).isEqualTo(SocketState.ERROR);
    assertThat(channelStats(0).faults()).isEqualTo(1);
  }

  @Test
  void aUnixDomainPeerThatClosesGivesOneEndOfRead() throws Exception {
    Peers.Unix pair = peers.unix();
    assertThat(Await.result(pool.add(pair.socket(), -1)).kind()).isEqualTo("unix");
    pair.peer().close();
    assertEvent(withMarker().get(0), 1, 0, SockEvent.TX, 0, 0, 1);
  }

  @Test
  void writingToAPeerThatHasGoneIsAnRxError() throws Exception {
    // The kernel reports the peer's reset to both directions of the socket. Which one the transport handles
    // first depends on whether a write was in flight at that instant, so an attempt may see the read side first:
    // that is one (TX,-1,ECONNRESET) event with the same drop accounting. Attempts repeat, each on a fresh
    // pool, until the write side sees the reset first.
    List<Integer> directions = new ArrayList<>();
    for (int attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) {
        stop();
        start();
      }
      try (Peers smallBuffers = new Peers(vertx)) {
        directions.add(writeToAPeerThatHasGone(smallBuffers.tcp(4096)));
      }
      if (directions.get(attempt) == SockEvent.RX) {
        return;
      }
    }
    throw new AssertionError("the write side never saw the reset first in 5 attempts; directions " + directions);
  }

  /** Resets the peer while writes are queued; gives the direction of the one fault event, checked. */
  private int writeToAPeerThatHasGone(Peers.Tcp pair) throws Exception {
    Await.result(pool.add(pair.socket(), 2));
    List<Future<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      writes.add(pool.deliver(2, Buffer.buffer(new byte[SocketPool.MAX_PACKET_SIZE])));
    }
    Await.until("the peer's buffers to fill with writes still queued", Await.DEFAULT,
        () -> writes.get(0).isComplete() && !writes.get(writes.size() - 1).isComplete());
    pair.reset();
    List<SockEvent> seen = withMarker();
    SockEvent fault = seen.get(0);
    if (fault.txRx() == SockEvent.RX) {
      assertThat(fault.errno()).isIn(104, 32);
      assertEvent(fault, 1, 2, SockEvent.RX, -1, fault.errno(), 1);
      assertThat(fault.dropped()).isEqualTo(1);
    } else {
      assertEvent(fault, 1, 2, SockEvent.TX, -1, 104, 1);
    }
    Await.until("every queued write to end", Await.DEFAULT, () -> writes.stream().allMatch(Future::isComplete));
    long failed = writes.stream().filter(Future::failed).count();
    assertThat(failed).isPositive();
    assertThat(channelStats(2).drops()).isEqualTo(failed);
    assertThat(Await.result(pool.get(2)).state()).isEqualTo(SocketState.ERROR);
    return fault.txRx();
  }

  @Test
  void aZeroByteDatagramIsAnEndOfReadAsInLibknet() throws Exception {
    try (java.net.DatagramSocket app = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      DatagramSocket udp = Await.result(vertx.createDatagramSocket().listen(0, "127.0.0.1"));
      SocketAddress appAddress = SocketAddress.inetSocketAddress(app.getLocalPort(), "127.0.0.1");
      assertThat(Await.result(pool.add(udp, appAddress, 3)).kind()).isEqualTo("udp");
      InetSocketAddress poolAddress = new InetSocketAddress("127.0.0.1", udp.localAddress().port());
      app.send(new DatagramPacket("hello".getBytes(), 5, poolAddress));
      Await.until("the datagram to be counted", Await.DEFAULT, () -> packetsTx(3) == 1);
      app.send(new DatagramPacket(new byte[0], 0, poolAddress));
      assertEvent(withMarker().get(0), 1, 3, SockEvent.TX, 0, 0, 1);
      assertThat(Await.result(pool.get(3)).state()).isEqualTo(SocketState.ERROR);
      assertThat(packetsTx(3)).isEqualTo(1);
      SocketPoolApiTest.assertErrno(pool.deliver(3, Buffer.buffer("x")), 32,
          "EPIPE: datafd 1 on channel 3 is quarantined after a fault; the packet was dropped");
    }
  }

  @Test
  void aDatagramTooBigForUdpIsAnRxErrorThatKeepsTheSocket() throws Exception {
    try (java.net.DatagramSocket app = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      DatagramSocket udp = Await.result(vertx.createDatagramSocket().listen(0, "127.0.0.1"));
      Await.result(pool.add(udp, SocketAddress.inetSocketAddress(app.getLocalPort(), "127.0.0.1"), 0));
      Throwable failure = Await.failure(pool.deliver(0, Buffer.buffer(new byte[SocketPool.MAX_PACKET_SIZE])));
      assertThat(((HooknetException) failure).errno()).isEqualTo(90);
      assertEvent(events.await(1).get(0), 1, 0, SockEvent.RX, -1, 90, 1);
      assertThat(events.all().get(0).dropped()).isEqualTo(1);
      Await.result(pool.deliver(0, Buffer.buffer("fits")));
      DatagramPacket received = new DatagramPacket(new byte[16], 16);
      app.receive(received);
      assertThat(new String(received.getData(), 0, received.getLength())).isEqualTo("fits");
      assertThat(Await.result(pool.get(0)).state()).isEqualTo(SocketState.ACTIVE);
    }
  }

  @Test
  void aHandlerCanRemoveTheSocketInPlace() throws Exception {
    List<Future<Void>> removals = new CopyOnWriteArrayList<>();
    events.then(event -> removals.add(pool.remove(event.datafd())));
    Peers.Tcp pair = peers.tcp();
    Await.result(pool.add(pair.socket(), -1));
    pair.peer().close();
    events.await(1);
    assertThat(removals).hasSize(1);
    assertThat(removals.get(0).succeeded()).as("removed before the handler returned").isTrue();
    assertThat(Await.result(pool.list())).isEmpty();
    SocketPoolApiTest.assertErrno(pool.channelOf(1), 22, "EINVAL: datafd 1 is not in the pool");
  }

  @Test
  void aHandlerCanReplaceTheSocketAndTheNewOneCarriesTraffic() throws Exception {
    Peers.Tcp first = peers.tcp();
    Peers.Tcp second = peers.tcp();
    List<Future<SocketInfo>> swaps = new CopyOnWriteArrayList<>();
    events.then(event -> swaps.add(pool.replace(event.channel(), second.socket())));
    Await.result(pool.add(first.socket(), 4));
    first.peer().close();
    events.await(1);
    assertThat(swaps.get(0).succeeded()).as("replaced before the handler returned").isTrue();
    assertThat(swaps.get(0).result()).isEqualTo(new SocketInfo(2, 4, "tcp", SocketState.ACTIVE, null));
    Await.result(pool.deliver(4, Buffer.buffer("to the new socket")));
    assertThat(second.peer().getInputStream().readNBytes(17)).isEqualTo("to the new socket".getBytes());
    second.peer().getOutputStream().write("from it".getBytes());
    Await.until("the new socket's data to be counted", Await.DEFAULT, () -> bytesTx(4) == 7);
    second.peer().close();
    assertEvent(events.await(2).get(1), 2, 4, SockEvent.TX, 0, 0, 2);
  }

  @Test
  void aHandlerThatIgnoresTheFaultLeavesItQuarantinedWithoutSpinning() throws Exception {
    Peers.Tcp pair = peers.tcp();
    Await.result(pool.add(pair.socket(), 0));
    pair.peer().close();
    events.await(1);
    long loop = events.threads().get(0).getId();
    var threads = ManagementFactory.getThreadMXBean();
    long cpuBefore = threads.getThreadCpuTime(loop);
    long start = System.nanoTime();
    Await.until("a three-second watch", Duration.ofSeconds(5), () -> System.nanoTime() - start > 3_000_000_000L);
    long cpuNanos = threads.getThreadCpuTime(loop) - cpuBefore;
    assertThat(events.count()).isEqualTo(1);
    assertThat(cpuNanos).as("event loop CPU over 3 s").isLessThan(100_000_000L);
    assertThat(Await.result(pool.get(0)).state()).isEqualTo(SocketState.ERROR);
  }

  @Test
  void aHandlerThatThrowsIsLoggedAndThePoolCarriesOn() throws Exception {
    try (LogCapture log = LogCapture.of(SocketPool.class.getName())) {
      events.then(event -> {
        throw new IllegalStateException("handler bug");
      });
      Peers.Tcp pair = peers.tcp();
      Await.result(pool.add(pair.socket(), -1));
      pair.peer().close();
      List<SockEvent> seen = withMarker();
      assertThat(seen).extracting(SockEvent::seq).containsExactly(1L, 2L);
      assertThat(published).isEqualTo(seen);
      List<LogRecord> logged = log.records();
      assertThat(logged).hasSize(2);
      assertThat(logged.get(0).getLevel()).isEqualTo(Level.WARNING);
      assertThat(logged.get(0).getThrown()).hasMessage("handler bug");
      assertThat(logged.get(0).getMessage()).startsWith("the sock-notify handler of pool 'default' on node '"
          + node + "' threw on SockEvent[").endsWith("; the pool carries on");
    }
  }

  /** Faults a second socket and returns the events: the one under test, then the marker. */
  private List<SockEvent> withMarker() throws Exception {
    events.await(1);
    Peers.Tcp marker = peers.tcp();
    SocketInfo info = Await.result(pool.add(marker.socket(), -1));
    marker.peer().close();
    List<SockEvent> seen = events.await(2);
    assertThat(seen).hasSize(2);
    assertEvent(seen.get(1), info.datafd(), info.channel(), SockEvent.TX, 0, 0, seen.get(0).seq() + 1);
    // The handler is told before the event is published, so the published copies may still be on their way.
    Await.until("the events to be published", Duration.ofSeconds(10), () -> published.size() >= seen.size());
    return seen;
  }

  private void assertEvent(SockEvent event, long datafd, int channel, int txRx, int error, int errno, long seq) {
    assertThat(event).isEqualTo(SockEvent.of(node, "default", datafd, channel, txRx, error, errno,
        event.dropped(), seq, event.ts()));
  }

  private ChannelStats channelStats(int channel) {
    return LocalPool.stats(pool, channel);
  }

  private long packetsTx(int channel) {
    return channelStats(channel).packetsTx();
  }

  private long bytesTx(int channel) {
    return channelStats(channel).bytesTx();
  }

  private static long micros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
