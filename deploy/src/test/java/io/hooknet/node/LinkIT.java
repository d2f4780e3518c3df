package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hooknet.sockets.SocketPool;
import io.hooknet.testing.Await;
import io.hooknet.testing.TcpBridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The links between the nodes' pools, watched by a plain TCP bridge client on n3: three nodes in network
 * namespaces on 198.18.0.0/15, whose default pools forward. Cutting everything but Hazelcast's traffic between n1
 * and n2 takes their link down, and healing it brings it up: exactly one event each way, on each side.
 */
class LinkIT {

  private static final String TOKEN = "link-token";
  private static final Duration WITHIN = Duration.ofSeconds(30);

  private NetNamespaces net;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private Vertx vertx;
  private TcpBridgeClient watcher;

  @BeforeEach
  void start() {
    assumeTrue(NetNamespaces.available(), "needs root and iproute2 for network namespaces");
    net = NetNamespaces.create(3);
    nodes.addAll(NamespacedNodes.start(net, LinkIT.class, TOKEN));
    vertx = Vertx.vertx();
    watcher = new TcpBridgeClient(vertx, net.address(2), NamespacedNodes.BRIDGE_PORT, TOKEN);
    watcher.register(SocketPool.LINK_EVENTS);
  }

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
    if (vertx != null) {
      Await.result(vertx.close());
    }
    nodes.forEach(NodeProcess::close);
    if (net != null) {
      net.close();
    }
  }

  /** Every link event the watcher got, as {@code node->remote STATUS}, in the order each node made them. */
  private List<String> events() {
    return watcher.messages(SocketPool.LINK_EVENTS).stream()
        .sorted((a, b) -> a.getString("node").equals(b.getString("node"))
            ? Long.compare(a.getLong("seq"), b.getLong("seq")) : a.getString("node").compareTo(b.getString("node")))
        .map(event -> event.getString("node") + "->" + event.getString("remote") + " " + event.getString("status"))
        .collect(Collectors.toList());
  }

  private List<String> between(String a, String b) {
    return events().stream().filter(event -> event.startsWith(a + "->" + b + " ")).collect(Collectors.toList());
  }

  @Test
  void aCutLinkGoesDownAndComesBackUpOnceOnEachSide() {
    for (int node = 1; node <= 3; node++) {
      watcher.ok(SocketPool.commandAddress("n" + node), new JsonObject().put("op", "setfwd").put("enabled", true));
    }
    List<String> up = List.of("n1->n2 UP", "n1->n3 UP", "n2->n1 UP", "n2->n3 UP", "n3->n1 UP", "n3->n2 UP");
    Await.until("every link to be up", WITHIN, () -> events().stream().sorted().collect(Collectors.toList())
        .equals(up));
    assertThat(watcher.messages(SocketPool.LINK_EVENTS)).allSatisfy(event -> {
      assertThat(event.getString("pool")).isEqualTo("default");
      assertThat(event.getLong("latencyMicros")).isPositive();
    });

    // Hazelcast still sees both members; the links between them are cut.
    net.cutAllBut(0, 1, NamespacedNodes.CLUSTER_PORT);
    net.cutAllBut(1, 0, NamespacedNodes.CLUSTER_PORT);
    Await.until("the link between n1 and n2 to go down on both sides", WITHIN,
        () -> between("n1", "n2").size() == 2 && between("n2", "n1").size() == 2);
    net.heal();
    Await.until("the link between n1 and n2 to come back up on both sides", WITHIN,
        () -> between("n1", "n2").size() == 3 && between("n2", "n1").size() == 3);

    // A later cut of n3 from n1 marks the end: nothing else came on the healed link in the seconds before it.
    // (n1's side of that cut cannot reach the watcher on n3 until it heals; n3's own side does.)
    net.cutAllBut(0, 2, NamespacedNodes.CLUSTER_PORT);
    net.cutAllBut(2, 0, NamespacedNodes.CLUSTER_PORT);
    Await.until("n3's link to n1 to go down", WITHIN, () -> between("n3", "n1").size() == 2);
    assertThat(between("n1", "n2")).containsExactly("n1->n2 UP", "n1->n2 DOWN", "n1->n2 UP");
    assertThat(between("n2", "n1")).containsExactly("n2->n1 UP", "n2->n1 DOWN", "n2->n1 UP");
    assertThat(between("n2", "n3")).containsExactly("n2->n3 UP");
    assertThat(between("n3", "n2")).containsExactly("n3->n2 UP");
    List<JsonObject> n1 = watcher.messages(SocketPool.LINK_EVENTS).stream()
        .filter(event -> event.getString("node").equals("n1")).collect(Collectors.toList());
    assertThat(n1).extracting(event -> event.getLong("seq")).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
    assertThat(n1).filteredOn(event -> event.getString("status").equals("DOWN"))
        .extracting(event -> event.getLong("latencyMicros")).containsExactly(0L);
  }
}
