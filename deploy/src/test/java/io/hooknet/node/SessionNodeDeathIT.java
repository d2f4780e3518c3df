package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.hooks.HookRegistry;
import io.hooknet.testing.Await;
import io.hooknet.testing.TcpBridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plain TCP bridge clients on a cluster of three child JVMs, nodes killed with SIGKILL. A node no client is on
 * dies: every callback keeps going and misses nothing. The node a client is on dies and the client does not come
 * back: its session outlives the node for the grace period, then its hooks go with one {@code NODE_LEFT} each and
 * {@code run} answers at once.
 */
class SessionNodeDeathIT {

  private CommandNodes nodes;
  private Vertx vertx;

  @BeforeEach
  void start() {
    nodes = new CommandNodes(SessionNodeDeathIT.class, 3);
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
    nodes.close();
  }

  private TcpBridgeClient client(int node) {
    return new TcpBridgeClient(vertx, "127.0.0.1", nodes.tcpPort(node), CommandNodes.TOKEN);
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op).put("family", "sx").put("event", "IN");
  }

  private static List<String> describe(List<JsonObject> events) {
    return events.stream().map(event -> event.getString("cmd") + " " + event.getString("hook") + " "
        + event.getString("cause")).collect(Collectors.toList());
  }

  @Test
  void anUnrelatedDeathLeavesCallbacksAloneAndADepartedClientsHooksGoWithNodeLeftAfterTheGracePeriod() {
    TcpBridgeClient watcher = client(0);
    watcher.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "family.add").put("family", "sx"));
    watcher.ok(HookRegistry.COMMANDS, op("event.add"));
    String callback = "hooknet.client." + UUID.randomUUID() + ".cb";
    watcher.register(callback);
    watcher.ok(HookRegistry.COMMANDS, op("notify.register").put("address", callback));

    TcpBridgeClient leaver = client(2);
    String hook = "hooknet.client." + UUID.randomUUID() + ".hook";
    leaver.register(hook);
    leaver.ok(HookRegistry.COMMANDS, op("hook.register").put("hook", "a").put("address", hook));
    leaver.ok(HookRegistry.COMMANDS, op("hook.register").put("hook", "b").put("address", hook));
    assertThat(describe(watcher.awaitMessages(callback, 3)))
        .containsExactly("HN_SYNCED null REPLAY", "HN_REGISTER a REGISTERED", "HN_REGISTER b REGISTERED");

    // Node c2 carries no client: its death changes nothing for either of them.
    nodes.node(1).signal("KILL");
    nodes.node(0).awaitStderr("node c2 left cluster", Duration.ofSeconds(20));
    leaver.ok(HookRegistry.COMMANDS, op("hook.register").put("hook", "c").put("address", hook));
    assertThat(describe(watcher.awaitMessages(callback, 4)).subList(3, 4)).containsExactly("HN_REGISTER c REGISTERED");

    // Node c3 carries the leaver, which does not come back.
    long killed = System.nanoTime();
    nodes.node(2).signal("KILL");
    List<JsonObject> events = watcher.awaitMessages(callback, 7);
    double seconds = (System.nanoTime() - killed) / 1e9;
    assertThat(describe(events).subList(4, 7))
        .containsExactly("HN_UNREGISTER a NODE_LEFT", "HN_UNREGISTER b NODE_LEFT", "HN_UNREGISTER c NODE_LEFT");
    assertThat(events.subList(4, 7)).extracting(event -> event.getLong("seq")).containsExactly(4L, 5L, 6L);
    System.out.printf("NODE_LEFT for a departed client's hooks %.2f s after its node's SIGKILL (grace %d s)%n",
        seconds, CommandNodes.GRACE_SECONDS);
    // The grace period starts when the cluster declares the node dead: at once when its connections reset, at the
    // latest after the 5 s without a heartbeat.
    assertThat(seconds).isBetween((double) CommandNodes.GRACE_SECONDS, CommandNodes.GRACE_SECONDS + 5.0 + 2.0);
    assertThat(watcher.ok(HookRegistry.COMMANDS, op("run").put("payload", new JsonObject())))
        .isEqualTo(new JsonObject().put("rc", 0).put("called", 0).putNull("stoppedBy").put("errno", 0)
            .putNull("errnoName"));
    // Nothing more comes: the marker is the next event.
    watcher.ok(HookRegistry.COMMANDS, op("hook.register").put("hook", "marker").put("address", "addr.marker"));
    assertThat(describe(watcher.awaitMessages(callback, 8))).hasSize(8).last()
        .isEqualTo("HN_REGISTER marker REGISTERED");
    leaver.close();
    watcher.close();
  }
}
