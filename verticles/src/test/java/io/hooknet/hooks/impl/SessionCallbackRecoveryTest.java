package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.hooknet.bridge.BridgeVerticle;
import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryVerticle;
import io.hooknet.hooks.impl.Deliveries.NodeMessage;
import io.hooknet.hooks.impl.Effects.Replay;
import io.hooknet.hooks.impl.FamilyProcessor.Result;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.hooknet.testing.TcpBridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bridged client's callback that a node that took this one for gone removed without a word while its session
 * goes on at this node (it ended the session on its side of a split) is re-synchronised: whether the cluster kept
 * that removal (the callback is put back) or not (the callback is still in the family, but this node stopped its
 * stream when told of the removal), the client is told the chain again with cause {@code RESYNC}, and its stream
 * goes on.
 */
class SessionCallbackRecoveryTest {

  private static final String TOKEN = "s3cret-token";
  private static LocalCluster cluster;
  private static Vertx vertx;
  private static HookRegistry registry;
  private static int port;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(SessionCallbackRecoveryTest.class, 1);
    vertx = cluster.vertx(0);
    HookRegistryVerticle hooks = new HookRegistryVerticle(cluster.node(0));
    Await.result(vertx.deployVerticle(hooks));
    registry = hooks.registry();
    List<Integer> ports = LocalCluster.freePorts(2);
    port = ports.get(0);
    Await.result(vertx.deployVerticle(new BridgeVerticle(new HooknetBridgeOptions().setTcpPort(port)
        .setHttpPort(ports.get(1)).setEnableCommands(true).setToken(TOKEN), registry)));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aCallbackRemovedWhileItsSessionIsConnectedHereIsPutBackAndResynchronised() {
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, "127.0.0.1", port, TOKEN)) {
      Subscribed subscribed = subscribe(client, "inet");
      // The clean-up of the session as a node on the other side of a split made it, in a view the cluster has now:
      // the callback is removed, and its stop, without a teardown, reaches this node.
      tellStop(sessionEnded("inet", subscribed.session()));
      assertResynchronisedThenLive(client, subscribed.callback(), "inet");
    }
  }

  @Test
  void aCallbackStoppedHereByARemovalTheClusterDidNotKeepIsResynchronised() {
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, "127.0.0.1", port, TOKEN)) {
      Subscribed subscribed = subscribe(client, "kept");
      // A node that merged back tells what its side of the split did, the session's clean-up: the stop, without a
      // teardown, reaches this node. The cluster kept the family as this side had it, with the callback.
      FamilyState kept = families().get("kept");
      Result result = sessionEnded("kept", subscribed.session());
      families().set("kept", kept);
      tellStop(result);
      // The stream stopped here; the session, connected here, asserts what it owns again, and the callback that the
      // family still has is re-synchronised rather than left without a stream.
      assertResynchronisedThenLive(client, subscribed.callback(), "kept");
      assertThat(families().get("kept").events.get(0).callbacks).extracting(FamilyState.Callback::address)
          .containsExactly(subscribed.callback());
    }
  }

  /** A session of {@code client} and its callback on {@code family}/IN, which holds hook a; the replay is in. */
  private record Subscribed(String session, String callback) {
  }

  private static Subscribed subscribe(TcpBridgeClient client, String family) {
    Await.result(registry.addFamily(family));
    Await.result(registry.addEvent(family, "IN"));
    Await.result(registry.register(family, "IN", "a", Hint.NONE, null, call -> 0));
    String session = client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
    String callback = "hooknet.client." + UUID.randomUUID() + ".cb";
    client.register(callback);
    client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "notify.register").put("family", family)
        .put("event", "IN").put("address", callback));
    assertThat(client.awaitMessages(callback, 2)).extracting(e -> e.getString("cmd") + " " + e.getString("hook")
        + " " + e.getString("cause")).containsExactly("HN_REGISTER a REPLAY", "HN_SYNCED null REPLAY");
    return new Subscribed(session, callback);
  }

  private static IMap<String, FamilyState> families() {
    return cluster.node(0).hazelcast().getMap(FamilyStore.MAP);
  }

  /** The session's clean-up ({@code NODE_LEFT}) on {@code family}, applied to the stored family: one silent stop. */
  private static Result sessionEnded(String family, String session) {
    HazelcastInstance hazelcast = cluster.node(0).hazelcast();
    ChangeContext context = new ChangeContext(FamilyStore.view(hazelcast), 7, 16, System.currentTimeMillis(),
        hazelcast.getCluster().getClusterTime() + 10_000);
    Result result = families().executeOnKey(family, FamilyProcessor.sessionEnded(session, Cause.NODE_LEFT, context))
        .result();
    assertThat(result.replays()).extracting(replay -> replay.change() + " " + replay.events().size())
        .containsExactly("STOP 0");
    return result;
  }

  /** Sends the clean-up's stops to the node's notices address, as the node that made it would. */
  private static void tellStop(Result result) {
    String node = cluster.node(0).nodeName();
    for (Replay replay : result.replays()) {
      Await.result(vertx.eventBus().request(Deliveries.noticeAddress(node), Buffer.buffer(Mapping.toCborBytes(
          new NodeMessage(node, null, replay, null, System.currentTimeMillis())))));
    }
  }

  /** The client is told the chain again marked {@code RESYNC}, then a new hook live, and stays connected. */
  private static void assertResynchronisedThenLive(TcpBridgeClient client, String callback, String family) {
    List<JsonObject> told = client.awaitMessages(callback, 4);
    assertThat(told.subList(2, 4)).extracting(e -> e.getString("cmd") + " " + e.getString("hook") + " "
        + e.getString("cause")).containsExactly("HN_REGISTER a RESYNC", "HN_SYNCED null RESYNC");
    long synced = told.get(3).getLong("seq");
    Await.result(registry.register(family, "IN", "b", Hint.NONE, null, call -> 0));
    JsonObject next = client.awaitMessages(callback, 5).get(4);
    assertThat(next.getString("cmd") + " " + next.getString("hook") + " " + next.getLong("seq"))
        .isEqualTo("HN_REGISTER b " + (synced + 1));
    assertThat(client.isClosed()).isFalse();
  }
}
