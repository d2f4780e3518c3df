package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryOptions;
import io.hooknet.testing.Await;
import io.hooknet.testing.BridgedRegistries;
import io.hooknet.testing.LocalCluster;
import io.hooknet.testing.LogCapture;
import io.hooknet.testing.TcpBridgeClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hook that went for good is not put back by an assertion of what a node and its sessions own: here a session's
 * hook that another client unregistered by its name, through another node, while the session stayed connected to
 * the node it registered through. That node, asserting again when a member leaves, forgets it. Through clients of the
 * TCP bridges on the generic command address.
 */
class GoneForGoodTest {

  private static final String TOKEN = "gone-token";
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static LocalCluster cluster;
  private static BridgedRegistries bridged;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(GoneForGoodTest.class, 3);
    bridged = BridgedRegistries.deploy(cluster, 3, TOKEN, new HookRegistryOptions());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op).put("family", "gone").put("event", "IN");
  }

  @Test
  void aHookAnotherClientUnregisteredIsNotAssertedAgainByItsOwnersNode() throws Exception {
    HookRegistry n2 = bridged.registry(1);
    Await.result(n2.addFamily("gone"));
    Await.result(n2.addEvent("gone", "IN"));
    List<HookEvent> watched = new CopyOnWriteArrayList<>();
    Await.result(n2.notifyRegister("gone", "IN", (HookEvent event) -> watched.add(event)));
    try (LogCapture asserted = LogCapture.of(MergeRecovery.class.getName(), Level.FINE);
        LogCapture forgotten = LogCapture.of(HookRegistry.class.getName(), Level.FINE);
        TcpBridgeClient owner = bridged.client(0); TcpBridgeClient other = bridged.client(1)) {
      String session = owner.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
      // Where a session is told of hooks it lost, as the clients listen.
      owner.register("hooknet.session." + session);
      owner.ok(HookRegistry.COMMANDS, op("hook.register").put("hook", "x").put("address", "addr.x"));
      other.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session"));
      assertThat(other.ok(HookRegistry.COMMANDS, op("hook.unregister").put("hook", "x")))
          .isEqualTo(new JsonObject().put("seq", 2));

      // A member leaves: n1, where the owner's session is connected, asserts again what it and that session own.
      cluster.stop(2);
      Await.until("n1 to assert again after n3 left", WITHIN,
          () -> asserted.logged("node n1 has asserted again what it owns after node n3 left the cluster"));
      // A change after the assertion: the watcher is told it after whatever the assertion told.
      Await.result(n2.register("gone", "IN", "marker", Hint.NONE, null, "addr.marker"));
      Await.until("the watcher to be told of the marker", WITHIN,
          () -> watched.stream().anyMatch(event -> "marker".equals(event.hook())));
      assertThat(watched).filteredOn(event -> event.cmd() != HookEvent.Cmd.HN_SYNCED)
          .extracting(event -> event.cmd() + " " + event.hook() + " " + event.seq() + " " + event.cause())
          .containsExactly("HN_REGISTER x 1 REGISTERED", "HN_UNREGISTER x 2 UNREGISTERED",
              "HN_REGISTER marker 3 REGISTERED");
      assertThat(Await.result(n2.list("gone", "IN")).events().get(0).hooks()).extracting(hook -> hook.hook())
          .containsExactly("marker");
      // n1 forgot it, so that it asserts it no more once the family no longer keeps it as gone.
      assertThat(forgotten.messages()).contains("hook 'x' of session " + session
          + " (node n1) on gone/IN went (UNREGISTERED) before an assertion of it came; forgotten here");
      // The owner's client is told nothing of it on its session's address: the callbacks were told at the
      // unregistration.
      assertThat(owner.messages("hooknet.session." + session)).isEmpty();
    }
  }
}
