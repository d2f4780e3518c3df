package io.hooknet.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.Replies;
import io.hooknet.hooks.HookRegistryClusterTest.Callback;
import io.hooknet.hooks.impl.FamilyState;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A family older than what was acknowledged (the backup that took over a departed member's partition lacked its
 * latest changes, or a lost partition came back as a merging side had it) is mended when the cluster changes: the
 * nodes assert again what they own, and the callbacks the family lost are put back and re-synchronised.
 */
class RegistryRecoveryTest {

  private static LocalCluster cluster;
  private static final List<HookRegistry> registries = new ArrayList<>();

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(RegistryRecoveryTest.class, 4);
    for (int i = 0; i < 4; i++) {
      HookRegistryVerticle verticle = new HookRegistryVerticle(cluster.node(i));
      Await.result(cluster.vertx(i).deployVerticle(verticle));
      registries.add(verticle.registry());
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void whatAFamilyTakenOverFromAStaleCopyLacksIsPutBackWhenAMemberLeaves() {
    Await.result(registries.get(0).addFamily("inet"));
    Await.result(registries.get(0).addEvent("inet", "IN"));
    Await.result(registries.get(0).register("inet", "IN", "a", Hint.NONE, null, call -> 0));
    IMap<String, FamilyState> families = cluster.node(0).hazelcast().getMap("hooknet.hooks");
    FamilyState stale = families.get("inet");

    Callback seen = new Callback();
    Await.result(registries.get(1).notifyRegister("inet", "IN", seen));
    Await.result(registries.get(2).register("inet", "IN", "b", Hint.NONE, null, call -> 0));
    assertThat(seen.await(3)).extracting(e -> e.hook() + " " + e.cmd() + " " + e.cause())
        .containsExactly("a HN_REGISTER REPLAY", "null HN_SYNCED REPLAY", "b HN_REGISTER REGISTERED");

    // The copy that takes over lacks the callback and b; then a member leaves.
    families.set("inet", stale);
    cluster.stop(3);

    List<HookEvent> told = seen.await(6);
    assertThat(told.subList(3, told.size())).extracting(e -> e.hook() + " " + e.cmd() + " " + e.cause())
        .containsExactly("a HN_REGISTER RESYNC", "b HN_REGISTER RESYNC", "null HN_SYNCED RESYNC");
    Await.until("b back on every node", Duration.ofSeconds(20), () -> registries.subList(0, 3).stream()
        .allMatch(registry -> Await.result(registry.list("inet", "IN")).events().get(0).hooks().stream()
            .map(Replies.HookInfo::hook).toList().equals(List.of("a", "b"))));

    // The stream goes on where it was put back.
    Await.result(registries.get(0).register("inet", "IN", "c", Hint.NONE, null, call -> 0));
    assertThat(seen.await(7).get(6)).extracting(e -> e.hook() + " " + e.cmd() + " " + e.cause() + " " + e.seq())
        .isEqualTo("c HN_REGISTER REGISTERED " + (told.get(5).seq() + 1));
  }
}
