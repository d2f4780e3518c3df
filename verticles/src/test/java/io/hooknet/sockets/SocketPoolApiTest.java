package io.hooknet.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.HooknetException;
import io.hooknet.codec.PoolCommand.Endpoint;
import io.hooknet.codec.Replies.EndpointInfo;
import io.hooknet.codec.Replies.SocketInfo;
import io.hooknet.codec.Replies.SocketState;
import io.hooknet.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ports of libknet's API tests (api_knet_handle_add_datafd.c, _remove_datafd.c, _get_datafd.c,
 * _get_channel.c, _enable_sock_notify.c) against a real pool with real sockets: every errno path, the
 * 32-slot fill, the lowest free channel, and the rules where hooknet differs on purpose.
 */
class SocketPoolApiTest {

  private LocalPool local;
  private Vertx vertx;
  private SocketPoolVerticle verticle;
  private SocketPool pool;
  private Peers peers;
  private final Events events = new Events();

  @BeforeEach
  void start() {
    local = new LocalPool("api");
    vertx = local.vertx;
    verticle = local.verticle;
    pool = local.pool;
    peers = local.peers;
  }

  @AfterEach
  void stop() throws Exception {
    local.close();
  }

  @Test
  void aCallFromAnotherContextIsAnsweredOnIt() {
    Context caller = vertx.getOrCreateContext();
    CompletableFuture<Context> answeredOn = new CompletableFuture<>();
    caller.runOnContext(v -> pool.sockNotifyHandler(events).compose(set -> pool.list())
        .onComplete(done -> answeredOn.complete(done.succeeded() ? Vertx.currentContext() : null)));
    assertThat(Await.result(Future.fromCompletionStage(answeredOn))).isSameAs(caller);
  }

  @Test
  void nullHandlerIsEinval() {
    assertErrno(pool.sockNotifyHandler(null), 22, "EINVAL: the sock-notify handler must not be null");
  }

  @Test
  void addBeforeAHandlerIsEinvalAndAddsNothing() {
    String expected = "EINVAL: pool 'default' has no sock-notify handler; set one before adding sockets";
    assertErrno(pool.add(peers.tcp().socket(), -1), 22, expected);
    assertErrno(pool.addEndpoint(Endpoint.TCP, -1), 22, expected);
    assertThat(Await.result(pool.list())).isEmpty();
  }

  @Test
  void settingTheHandlerAgainReplacesIt() throws Exception {
    Events first = new Events();
    Await.result(pool.sockNotifyHandler(first));
    Await.result(pool.sockNotifyHandler(events));
    Peers.Tcp pair = peers.tcp();
    Await.result(pool.add(pair.socket(), 0));
    pair.peer().close();
    assertThat(events.await(1)).hasSize(1);
    assertThat(first.count()).isZero();
  }

  @Test
  void fillAll32ChannelsThenThe33rdIsEbusy() {
    Await.result(pool.sockNotifyHandler(events));
    for (int i = 0; i < 32; i++) {
      EndpointInfo endpoint = Await.result(pool.addEndpoint(Endpoint.TCP, -1));
      assertThat(endpoint.channel()).isEqualTo(i);
      assertThat(endpoint.datafd()).isEqualTo(i + 1);
    }
    assertErrno(pool.addEndpoint(Endpoint.TCP, -1), 16, "EBUSY: all 32 channels are in use");
    assertErrno(pool.add(peers.tcp().socket(), -1), 16, "EBUSY: all 32 channels are in use");
    assertThat(Await.result(pool.list())).hasSize(32);
  }

  @Test
  void autoChannelIsTheLowestFree() {
    Await.result(pool.sockNotifyHandler(events));
    assertThat(Await.result(pool.add(peers.tcp().socket(), -1)).channel()).isZero();
    assertThat(Await.result(pool.add(peers.tcp().socket(), 4)).channel()).isEqualTo(4);
    assertThat(Await.result(pool.add(peers.tcp().socket(), -1)).channel()).isEqualTo(1);
    Await.result(pool.remove(1));
    assertThat(Await.result(pool.add(peers.tcp().socket(), -1)).channel()).isZero();
    assertThat(Await.result(pool.addEndpoint(Endpoint.UNIX, -1)).channel()).isEqualTo(2);
  }

  @Test
  void sameSocketTwiceIsEexistCheckedBeforeTheChannel() {
    Await.result(pool.sockNotifyHandler(events));
    Peers.Tcp pair = peers.tcp();
    Await.result(pool.add(pair.socket(), 0));
    String expected = "EEXIST: the socket is already in the pool as datafd 1 on channel 0";
    assertErrno(pool.add(pair.socket(), 0), 17, expected);
    assertErrno(pool.add(pair.socket(), 99), 17, expected);
    assertErrno(pool.add(pair.socket(), -1), 17, expected);
  }

  @Test
  void channelOutOfRangeIsEinval() {
    Await.result(pool.sockNotifyHandler(events));
    Peers.Tcp pair = peers.tcp();
    assertErrno(pool.add(pair.socket(), 32), 22, "EINVAL: channel 32 is out of range 0-31");
    assertErrno(pool.add(pair.socket(), -2), 22, "EINVAL: channel -2 is out of range 0-31");
    assertErrno(pool.addEndpoint(Endpoint.UNIX, 32), 22, "EINVAL: channel 32 is out of range 0-31");
    assertErrno(pool.get(32), 22, "EINVAL: channel 32 is out of range 0-31");
    assertErrno(pool.get(-1), 22, "EINVAL: channel -1 is out of range 0-31");
    assertThat(Await.result(pool.list())).isEmpty();
  }

  @Test
  void busyChannelIsEbusy() {
    Await.result(pool.sockNotifyHandler(events));
    Await.result(pool.add(peers.tcp().socket(), 7));
    assertErrno(pool.add(peers.tcp().socket(), 7), 16, "EBUSY: channel 7 is in use by datafd 1");
    assertErrno(pool.addEndpoint(Endpoint.TCP, 7), 16, "EBUSY: channel 7 is in use by datafd 1");
  }

  @Test
  void removeOfAnUnknownDatafdIsEinvalAndSoIsASecondRemove() {
    Await.result(pool.sockNotifyHandler(events));
    assertErrno(pool.remove(1), 22, "EINVAL: datafd 1 is not in the pool");
    SocketInfo added = Await.result(pool.add(peers.tcp().socket(), -1));
    Await.result(pool.remove(added.datafd()));
    assertErrno(pool.remove(added.datafd()), 22, "EINVAL: datafd 1 is not in the pool");
  }

  @Test
  void getDatafdAndGetChannel() {
    Await.result(pool.sockNotifyHandler(events));
    assertErrno(pool.get(3), 22, "EINVAL: channel 3 has no socket");
    assertErrno(pool.channelOf(1), 22, "EINVAL: datafd 1 is not in the pool");
    SocketInfo added = Await.result(pool.add(peers.tcp().socket(), 3));
    SocketInfo expected = new SocketInfo(1, 3, "tcp", SocketState.ACTIVE, null);
    assertThat(added).isEqualTo(expected);
    assertThat(Await.result(pool.get(3))).isEqualTo(expected);
    assertThat(Await.result(pool.channelOf(1))).isEqualTo(expected);
    SocketInfo unix = Await.result(pool.add(peers.unix().socket(), -1));
    assertThat(unix).isEqualTo(new SocketInfo(2, 0, "unix", SocketState.ACTIVE, null));
  }

  @Test
  void datafdsAreNeverReused() {
    Await.result(pool.sockNotifyHandler(events));
    SocketInfo first = Await.result(pool.add(peers.tcp().socket(), 0));
    Await.result(pool.remove(first.datafd()));
    SocketInfo second = Await.result(pool.add(peers.tcp().socket(), 0));
    assertThat(second.datafd()).isEqualTo(2);
    assertThat(second.channel()).isZero();
  }

  @Test
  void replaceNeedsABusyChannelAndANewSocket() {
    Await.result(pool.sockNotifyHandler(events));
    Peers.Tcp pair = peers.tcp();
    assertErrno(pool.replace(0, pair.socket()), 22, "EINVAL: channel 0 has no socket");
    Await.result(pool.add(pair.socket(), 0));
    assertErrno(pool.replace(0, pair.socket()), 17,
        "EEXIST: the socket is already in the pool as datafd 1 on channel 0");
    SocketInfo swapped = Await.result(pool.replace(0, peers.tcp().socket()));
    assertThat(swapped).isEqualTo(new SocketInfo(2, 0, "tcp", SocketState.ACTIVE, null));
    assertThat(Await.result(pool.list())).containsExactly(swapped);
  }

  @Test
  void aDatagramSocketNeedsAPeer() {
    Await.result(pool.sockNotifyHandler(events));
    var udp = Await.result(vertx.createDatagramSocket().listen(0, "127.0.0.1"));
    assertErrno(pool.add(udp, null, -1), 22, "EINVAL: a datagram socket needs the peer its packets go to");
    assertThat(Await.result(pool.list())).isEmpty();
  }

  @Test
  void packetsOverTheLimitAreEmsgsize() {
    Await.result(pool.sockNotifyHandler(events));
    Await.result(pool.add(peers.tcp().socket(), 0));
    assertErrno(pool.deliver(0, Buffer.buffer(new byte[SocketPool.MAX_PACKET_SIZE + 1])), 90,
        "EMSGSIZE: a packet of 65537 bytes is over the limit of 65536");
    assertErrno(pool.deliver(1, Buffer.buffer("x")), 22, "EINVAL: channel 1 has no socket");
    assertThat(Await.result(pool.stats()).channels().get(0).drops()).isEqualTo(1);
  }

  @Test
  void aClosedPoolIsEshutdownAndClosesOnlyWhatItCreated() throws Exception {
    Await.result(pool.sockNotifyHandler(events));
    Peers.Tcp mine = peers.tcp();
    Await.result(pool.add(mine.socket(), -1));
    EndpointInfo endpoint = Await.result(pool.addEndpoint(Endpoint.TCP, -1));
    String[] hostPort = endpoint.address().split(":");
    try (Socket attached = new Socket(InetAddress.getByName(hostPort[0]), Integer.parseInt(hostPort[1]))) {
      EndpointTest.awaitAccepted(pool, endpoint);
      Await.result(pool.close());
      EndpointTest.assertProbesThenEnd(attached.getInputStream());
      Await.result(mine.socket().write("still open"));
      assertThat(mine.peer().getInputStream().readNBytes(10)).isEqualTo("still open".getBytes());
    }
    assertErrno(pool.list(), 108, "ESHUTDOWN: pool 'default' on node '" + verticle.nodeName() + "' is closed");
    assertErrno(pool.add(peers.tcp().socket(), -1), 108,
        "ESHUTDOWN: pool 'default' on node '" + verticle.nodeName() + "' is closed");
  }

  @Test
  void aWatchOnlyPoolCanHaveMoreChannels() {
    SocketPool wide = Await.result(verticle.createPool(new SocketPoolOptions().setName("wide").setMaxChannels(10_000)));
    Await.result(wide.sockNotifyHandler(events));
    assertThat(Await.result(wide.add(peers.tcp().socket(), 9_999)).channel()).isEqualTo(9_999);
    assertErrno(verticle.createPool(new SocketPoolOptions().setName("wide")), 17,
        "EEXIST: node '" + verticle.nodeName() + "' already has a pool 'wide'");
    assertErrno(verticle.createPool(new SocketPoolOptions().setName("bad name")), 22,
        "EINVAL: pool setting 'name': 'bad name' is not 1-63 letters, digits, '.', '_' or '-'");
    assertThat(verticle.poolNames()).isEqualTo(new java.util.TreeSet<>(List.of("default", "wide")));
  }

  static void assertErrno(Future<?> future, int errno, String message) {
    Throwable failure = Await.failure(future);
    assertThat(failure).isInstanceOf(HooknetException.class).hasMessage(message);
    assertThat(((HooknetException) failure).errno()).isEqualTo(errno);
  }
}
