package io.hooknet.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.SockEvent;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A fault on node n1 reaches consumers on n2 and n3 with the values the local handler got. */
class SockEventClusterTest {

  private static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(SockEventClusterTest.class, 3);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void faultsOnOneNodeReachTheOthersWithTheSameValuesAndConsecutiveSeq() throws Exception {
    SocketPoolVerticle verticle = new SocketPoolVerticle(cluster.node(0).nodeName());
    Await.result(cluster.vertx(0).deployVerticle(verticle));
    Events local = new Events();
    SocketPool pool = verticle.pool();
    Await.result(pool.sockNotifyHandler(local.then(event -> pool.remove(event.datafd()))));
    RemoteEvents onB = new RemoteEvents(cluster.vertx(1));
    RemoteEvents onC = new RemoteEvents(cluster.vertx(2));
    RemoteEvents.awaitReachableFrom(cluster.vertx(0), onB, onC);

    try (Peers peers = new Peers(cluster.vertx(0))) {
      Peers.Tcp closing = peers.tcp();
      Peers.Tcp resetting = peers.tcp();
      Await.result(pool.add(closing.socket(), 0));
      Await.result(pool.add(resetting.socket(), 1));
      closing.peer().close();
      local.await(1);
      resetting.reset();
      List<SockEvent> seen = local.await(2);

      assertThat(seen).extracting(SockEvent::node).containsOnly("n1");
      assertThat(seen).extracting(SockEvent::seq).containsExactly(1L, 2L);
      assertThat(seen).extracting(SockEvent::datafd).containsExactly(1L, 2L);
      assertThat(seen).extracting(SockEvent::errno).containsExactly(0, 104);
      assertThat(onB.await(2, Duration.ofSeconds(10))).isEqualTo(seen);
      assertThat(onC.await(2, Duration.ofSeconds(10))).isEqualTo(seen);
    }
  }
}
