package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryVerticle;
import io.hooknet.hooks.impl.FamilyProcessor.Result;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who tells a change: the family's owner, as it makes the change, when a registry runs on that member (the node
 * that asked gets the reply alone); else the node that asked, from the effects the answer carries. Either way
 * each callback is told each change once. Two members, a registry on n2 only.
 */
class OwnerTellsTest {

  private static LocalCluster cluster;
  private static HookRegistry registry;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(OwnerTellsTest.class, 2);
    HookRegistryVerticle hooks = new HookRegistryVerticle(cluster.node(1));
    Await.result(cluster.vertx(1).deployVerticle(hooks));
    registry = hooks.registry();
    Await.until("the partitions to be placed", Duration.ofSeconds(30),
        () -> cluster.node(0).hazelcast().getPartitionService().isClusterSafe());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** A family name whose entry member {@code owner} holds. */
  private static String familyOwnedBy(HazelcastInstance owner) {
    for (int i = 0; ; i++) {
      String name = "fam" + i;
      if (owner.getPartitionService().getPartition(name).getOwner().localMember()) {
        return name;
      }
    }
  }

  private static List<String> told(String family) {
    List<String> events = new CopyOnWriteArrayList<>();
    Await.result(registry.addFamily(family));
    Await.result(registry.addEvent(family, "IN"));
    Await.result(registry.notifyRegister(family, "IN", (HookEvent e) -> events.add(e.cmd() + " " + e.hook())));
    return events;
  }

  @Test
  void theOwnerTellsWhenItRunsARegistryAndTheAskingNodeOtherwiseEachChangeOnce() {
    String onRegistryNode = familyOwnedBy(cluster.node(1).hazelcast());
    String onBareMember = familyOwnedBy(cluster.node(0).hazelcast());
    List<String> ownerTold = told(onRegistryNode);
    List<String> askerTold = told(onBareMember);
    Await.result(registry.register(onRegistryNode, "IN", "h", Hint.NONE, null, call -> 0));
    Await.result(registry.register(onBareMember, "IN", "h", Hint.NONE, null, call -> 0));
    Await.until("both callbacks to be told", Duration.ofSeconds(10),
        () -> ownerTold.size() == 2 && askerTold.size() == 2);
    assertThat(ownerTold).containsExactly("HN_SYNCED null", "HN_REGISTER h");
    assertThat(askerTold).containsExactly("HN_SYNCED null", "HN_REGISTER h");

    // Asked straight from n1, which runs no registry: n2, the owner, tells the change itself, and the answer has
    // nothing to tell; n1's own entry answers with the notice for the callback, for the asker to send.
    HazelcastInstance bare = cluster.node(0).hazelcast();
    IMap<String, FamilyState> families = bare.getMap(FamilyStore.MAP);
    ChangeContext context = new ChangeContext(FamilyStore.view(bare), 11, 16, System.currentTimeMillis(),
        bare.getCluster().getClusterTime() + 10_000);
    Result byOwner = families.executeOnKey(onRegistryNode, FamilyProcessor.command(
        new HookCommand.HookRegister(onRegistryNode, "IN", "x", null, null, "x.address"), Owner.node("n1"),
        context)).result();
    assertThat(byOwner.errno()).isZero();
    assertThat(byOwner.ack().seq()).isEqualTo(2);
    assertThat(byOwner.notices()).isEmpty();
    assertThat(byOwner.published()).isEmpty();
    assertThat(byOwner.replays()).isEmpty();
    assertThat(byOwner.lost()).isEmpty();
    Await.until("the owner to tell the callback", Duration.ofSeconds(10), () -> ownerTold.size() == 3);
    assertThat(ownerTold.get(2)).isEqualTo("HN_REGISTER x");

    Result forAsker = families.executeOnKey(onBareMember, FamilyProcessor.command(
        new HookCommand.HookRegister(onBareMember, "IN", "x", null, null, "x.address"), Owner.node("n1"),
        context)).result();
    assertThat(forAsker.errno()).isZero();
    assertThat(forAsker.ack().seq()).isEqualTo(2);
    assertThat(forAsker.notices()).extracting(notice -> notice.event().cmd() + " " + notice.event().hook() + " "
        + notice.deliverer()).containsExactly("HN_REGISTER x " + registry.nodeName());
    assertThat(forAsker.published()).extracting(HookEvent::hook).containsExactly("x");
    assertThat(forAsker.replays()).isEmpty();
  }
}
