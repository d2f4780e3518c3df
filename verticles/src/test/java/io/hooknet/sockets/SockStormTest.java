package io.hooknet.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.SockEvent;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.hooknet.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 1,000 sockets closed at once on n1: a consumer on n2 gets exactly 1,000 events, one per datafd, in
 * {@code seq} order, and no event loop is blocked long enough for Vert.x to warn.
 */
class SockStormTest {

  private static final int SOCKETS = 1_000;

  private static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(SockStormTest.class, 2);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aThousandSocketsClosedAtOnceGiveExactlyAThousandEventsRemotely() throws Exception {
    SocketPoolVerticle verticle = new SocketPoolVerticle(cluster.node(0).nodeName(),
        new SocketPoolOptions().setMaxChannels(SOCKETS));
    Await.result(cluster.vertx(0).deployVerticle(verticle));
    SocketPool pool = verticle.pool();
    Events local = new Events();
    Await.result(pool.sockNotifyHandler(local.then(event -> pool.remove(event.datafd()))));
    RemoteEvents remote = new RemoteEvents(cluster.vertx(1));
    RemoteEvents.awaitReachableFrom(cluster.vertx(0), remote);

    try (Peers peers = new Peers(cluster.vertx(0));
        LogCapture blocked = LogCapture.of("io.vertx.core.impl.BlockedThreadChecker")) {
      List<Peers.Tcp> pairs = new ArrayList<>();
      for (int i = 0; i < SOCKETS; i++) {
        Peers.Tcp pair = peers.tcp();
        Await.result(pool.add(pair.socket(), -1));
        pairs.add(pair);
      }
      for (Peers.Tcp pair : pairs) {
        pair.peer().close();
      }
      List<SockEvent> seen = remote.await(SOCKETS, Duration.ofSeconds(60));
      assertThat(seen).hasSize(SOCKETS);
      assertThat(seen).extracting(SockEvent::seq)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, SOCKETS).boxed().collect(Collectors.toList()));
      assertThat(seen.stream().map(SockEvent::datafd).distinct().count()).isEqualTo(SOCKETS);
      assertThat(seen).allSatisfy(event -> assertThat(event.endOfRead()).isTrue());
      assertThat(local.all()).isEqualTo(seen);
      Await.until("every socket to be removed", Await.DEFAULT, () -> Await.result(pool.list()).isEmpty());
      assertThat(remote.count()).isEqualTo(SOCKETS);
      assertThat(blocked.records()).as("blocked-thread warnings").isEmpty();
    }
  }
}
