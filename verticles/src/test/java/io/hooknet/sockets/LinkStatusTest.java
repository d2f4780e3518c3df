package io.hooknet.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.Json;
import io.hooknet.codec.LinkEvent;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each forwarding pool keeps a link to every other member's pool of its name and tells when one goes up or down,
 * to its link-status handler and on {@code hooknet.link.events}: once each way per change.
 */
class LinkStatusTest {

  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static LocalCluster cluster;
  private static final List<SocketPool> pools = new ArrayList<>();
  private static final List<LinkEvent> handed = new CopyOnWriteArrayList<>();
  private static final List<LinkEvent> published = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(LinkStatusTest.class, 3);
    Await.result(cluster.vertx(1).eventBus().<JsonObject>consumer(SocketPool.LINK_EVENTS,
        message -> published.add(Json.fromJson(message.body(), LinkEvent.class))).completion());
    for (int i = 0; i < 3; i++) {
      SocketPoolVerticle verticle = new SocketPoolVerticle(cluster.node(i), new SocketPoolOptions().setName("links")
          .setLinkHeartbeatMillis(100).setLinkTimeoutMillis(500));
      Await.result(cluster.vertx(i).deployVerticle(verticle));
      SocketPool pool = verticle.pool("links");
      Await.result(pool.linkStatusHandler(handed::add));
      pools.add(pool);
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static List<String> describe(List<LinkEvent> events) {
    return events.stream().map(event -> event.node() + "->" + event.remote() + " " + event.status())
        .sorted().collect(Collectors.toList());
  }

  @Test
  void everyLinkComesUpOnceAndTheLinksToANodeThatStopsGoDownOnce() {
    for (SocketPool pool : pools) {
      Await.result(pool.setFwd(true));
    }
    List<String> up = List.of("n1->n2 UP", "n1->n3 UP", "n2->n1 UP", "n2->n3 UP", "n3->n1 UP", "n3->n2 UP");
    Await.until("every link to be up", WITHIN, () -> describe(handed).equals(up));
    assertThat(handed).allSatisfy(event -> {
      assertThat(event.pool()).isEqualTo("links");
      assertThat(event.latencyMicros()).isPositive();
    });
    assertThat(handed.stream().filter(event -> event.node().equals("n1")).map(LinkEvent::seq))
        .containsExactlyInAnyOrder(1L, 2L);
    Await.until("n2 to see every event published", WITHIN, () -> describe(published).equals(up));

    // n3's pool closes with its node and says so for its own links; the others find theirs to n3 closed.
    cluster.stop(2);
    List<String> down = new ArrayList<>(up);
    down.addAll(List.of("n1->n3 DOWN", "n2->n3 DOWN", "n3->n1 DOWN", "n3->n2 DOWN"));
    down.sort(null);
    Await.until("the links to n3 to go down", WITHIN, () -> describe(handed).equals(down));
    // Later heartbeats find n3 gone for good: nothing more is told.
    Await.until("n1 and n2 to see n3 gone", WITHIN,
        () -> cluster.node(0).memberNames().size() == 2 && cluster.node(1).memberNames().size() == 2);
    Await.result(pools.get(0).sendSync(0, io.vertx.core.buffer.Buffer.buffer("marker")));
    assertThat(describe(handed)).isEqualTo(down);
    assertThat(handed.stream().filter(event -> event.status() == LinkEvent.Status.DOWN))
        .allSatisfy(event -> assertThat(event.latencyMicros()).isZero());
  }
}
