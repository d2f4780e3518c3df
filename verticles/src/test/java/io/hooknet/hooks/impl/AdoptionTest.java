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
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A session that resumes at another node is adopted there: the node reads what the session owns from the stored
 * registry, so that it asserts it again after a merge or a member's departure. A client that unregisters a hook at
 * once after resuming must not have it asserted again by the node that read it before the unregistration. Through
 * clients of the TCP bridges on the generic command address.
 */
class AdoptionTest {

  private static final String TOKEN = "adoption-token";
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static LocalCluster cluster;
  private static BridgedRegistries bridged;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(AdoptionTest.class, 3);
    bridged = BridgedRegistries.deploy(cluster, 3, TOKEN, new HookRegistryOptions());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op).put("family", "adopt").put("event", "IN");
  }

  @Test
  void aHookUnregisteredRightAfterItsSessionResumedIsNotAssertedAgainByItsNewNode() throws Exception {
    HookRegistry n2 = bridged.registry(1);
    Await.result(n2.addFamily("adopt"));
    Await.result(n2.addEvent("adopt", "IN"));
    // A registry big enough that reading it takes a while: the adoption's read is still under way when the
    // client's unregistration is made.
    Await.result(n2.addFamily("bulk"));
    Await.result(n2.addEvent("bulk", "IN"));
    List<Future<Long>> bulk = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      bulk.add(n2.register("bulk", "IN", "b" + i, Hint.NONE, null, "addr.b" + i));
    }
    Await.result(Future.all(bulk));
    List<HookEvent> watched = new CopyOnWriteArrayList<>();
    Await.result(n2.notifyRegister("adopt", "IN", (HookEvent event) -> watched.add(event)));

    String session;
    try (TcpBridgeClient first = bridged.client(2)) {
      session = first.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
      first.ok(HookRegistry.COMMANDS, op("hook.register").put("hook", "moved").put("address", "addr.moved"));
    }
    try (LogCapture asserted = LogCapture.of(MergeRecovery.class.getName(), Level.FINE);
        TcpBridgeClient back = bridged.client(0).session(session)) {
      assertThat(back.ok(HookRegistry.COMMANDS, op("hook.unregister").put("hook", "moved")))
          .isEqualTo(new JsonObject().put("seq", 2));

      // The node the client left goes: n1 asserts again what it and the sessions connected to it own.
      cluster.stop(2);
      Await.until("n1 to assert again after n3 left", WITHIN,
          () -> asserted.logged("node n1 has asserted again what it owns after node n3 left the cluster"));
      // A change after the assertion: the watcher is told it after whatever the assertion told.
      Await.result(n2.register("adopt", "IN", "marker", Hint.NONE, null, "addr.marker"));
      Await.until("the watcher to be told of the marker", WITHIN,
          () -> watched.stream().anyMatch(event -> "marker".equals(event.hook())));
      // After its replay the watcher gets the changes; the re-synchronisation after n3 left may end with an
      // HN_SYNCED at the latest change it brought (a gap fill's end), and nothing else.
      List<HookEvent> told = List.copyOf(watched);
      assertThat(told.get(0)).extracting(event -> event.cmd() + " " + event.seq()).isEqualTo("HN_SYNCED 0");
      assertThat(told.subList(1, told.size())).filteredOn(event -> event.cmd() != HookEvent.Cmd.HN_SYNCED)
          .extracting(event -> event.cmd() + " " + event.hook() + " " + event.seq())
          .containsExactly("HN_REGISTER moved 1", "HN_UNREGISTER moved 2", "HN_REGISTER marker 3");
      for (int i = 1; i < told.size(); i++) {
        if (told.get(i).cmd() == HookEvent.Cmd.HN_SYNCED) {
          assertThat(told.get(i).seq()).as("HN_SYNCED after " + told.get(i - 1)).isEqualTo(told.get(i - 1).seq());
        }
      }
      assertThat(Await.result(n2.list("adopt", "IN")).events().get(0).hooks()).extracting(hook -> hook.hook())
          .containsExactly("marker");
    }
  }
}
