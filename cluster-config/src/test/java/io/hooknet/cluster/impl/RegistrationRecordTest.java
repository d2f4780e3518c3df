package io.hooknet.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.multimap.MultiMap;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Vert.x's record of consumers after the cluster changed. A registration of a node that is no longer a member, left
 * as a sweep cut short by a stuck migration or undone by a merge leaves it: sends to its address fail in turn with
 * those to the live consumer, until the next change of the cluster has the nodes sweep it away. A registration of a
 * live node taken out, as a departed node's clean-up that finishes after the node came back takes it out: nothing
 * reaches the consumer, until the next change has the node put it back.
 */
class RegistrationRecordTest {

  private static final String ADDRESS = "registration-record-test";
  private static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(2_000);

  private final LocalCluster cluster = LocalCluster.start(RegistrationRecordTest.class, 3);

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aDepartedNodesRegistrationIsSweptAfterTheNextChangeAndEverySendReachesTheLiveConsumer() {
    Await.result(cluster.vertx(0).eventBus().consumer(ADDRESS, message -> message.reply("n1")).completion());
    MultiMap<String, HazelcastRegistrationInfo> subs = cluster.node(0).hazelcast()
        .getMultiMap(RegistrationRecord.SUBS);
    HazelcastRegistrationInfo stale = new HazelcastRegistrationInfo(
        new RegistrationInfo(UUID.randomUUID().toString(), 0, false));
    subs.put(ADDRESS, stale);
    Await.until("n2 to see two consumers", Duration.ofSeconds(10), () -> answered(10) < 10);

    cluster.stop(2);
    Await.until("the departed node's registration to be swept", Duration.ofSeconds(30),
        () -> !subs.containsEntry(ADDRESS, stale));
    assertThat(subs.get(ADDRESS)).extracting(info -> info.unwrap().nodeId())
        .containsExactly((String) cluster.node(0).hazelcast().getCluster().getLocalMember()
            .getAttribute("__vertx.nodeId"));
    Await.until("n2 to see one consumer", Duration.ofSeconds(10), () -> answered(1) == 1);
    assertThat(answered(20)).isEqualTo(20);
  }

  @Test
  void aLiveNodesRegistrationTakenOutOfTheRecordIsPutBackAfterTheNextChangeAndEverySendReachesIt() {
    Await.result(cluster.vertx(0).eventBus().consumer(ADDRESS, message -> message.reply("n1")).completion());
    MultiMap<String, HazelcastRegistrationInfo> subs = cluster.node(0).hazelcast()
        .getMultiMap(RegistrationRecord.SUBS);
    Await.until("n2 to reach n1's consumer", Duration.ofSeconds(10), () -> answered(1) == 1);
    List<HazelcastRegistrationInfo> live = List.copyOf(subs.get(ADDRESS));
    assertThat(live).hasSize(1);

    // A member leaves, and Vert.x on n1 puts its registrations back as it sees that; then n1's registration is
    // taken out, as a late clean-up after a node that came back takes it out, until a request from n2 finds no
    // consumer. (No more is asked of that moment: the first sweep, 5 s after the change, may put it back at once.)
    cluster.stop(2);
    Await.until("n1 to see n3 gone", Duration.ofSeconds(20), () -> cluster.node(0).members().size() == 2);
    Await.until("n2 to find no consumer", Duration.ofSeconds(10), () -> {
      subs.remove(ADDRESS, live.get(0));
      return answered(1) == 0;
    });
    Await.until("n1's registration to be put back", Duration.ofSeconds(40),
        () -> subs.containsEntry(ADDRESS, live.get(0)));
    assertThat(subs.get(ADDRESS)).containsExactly(live.get(0));
    Await.until("n2 to reach n1's consumer again", Duration.ofSeconds(10), () -> answered(1) == 1);
    assertThat(answered(20)).isEqualTo(20);
  }

  @Test
  void aSweepInAViewThisNodeWasNotToldOfYetOrWhileItMergesRemovesNothing() {
    // The nodes' own records would sweep the stale registration away on their own time (5 s after the members
    // joined): only the record under test sweeps here.
    for (int i = 0; i < 3; i++) {
      ((HooknetClusterImpl) cluster.node(i)).registrationRecord().close();
    }
    MergeAwareClusterManager manager = (MergeAwareClusterManager) ((VertxInternal) cluster.vertx(0)).clusterManager();
    RegistrationRecord record = new RegistrationRecord(cluster.vertx(0), manager);
    record.close();
    MultiMap<String, HazelcastRegistrationInfo> subs = cluster.node(0).hazelcast()
        .getMultiMap(RegistrationRecord.SUBS);
    HazelcastRegistrationInfo stale = new HazelcastRegistrationInfo(
        new RegistrationInfo(UUID.randomUUID().toString(), 0, false));
    subs.put(ADDRESS, stale);
    // Never told of a change: no view to remove in.
    assertThat(record.removeStale()).isZero();
    record.changed();
    manager.stateChanged(new LifecycleEvent(LifecycleState.MERGING));
    assertThat(record.removeStale()).isZero();
    assertThat(subs.get(ADDRESS)).containsExactly(stale);
    manager.stateChanged(new LifecycleEvent(LifecycleState.MERGED));
    record.changed();
    assertThat(record.removeStale()).isEqualTo(1);
    assertThat(subs.get(ADDRESS)).doesNotContain(stale);

    // A member leaves: until this node is told, its sweep is about a view the cluster has left.
    subs.put(ADDRESS, stale);
    cluster.stop(2);
    Await.until("n1 to see n3 gone", Duration.ofSeconds(20),
        () -> cluster.node(0).hazelcast().getCluster().getMembers().size() == 2);
    assertThat(record.removeStale()).isZero();
    assertThat(subs.get(ADDRESS)).containsExactly(stale);
    record.changed();
    assertThat(record.removeStale()).isEqualTo(1);
    assertThat(subs.get(ADDRESS)).isEmpty();
  }

  /** How many of {@code count} requests from n2 to the address are answered, by n1. */
  private int answered(int count) {
    List<Future<Object>> replies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      replies.add(cluster.vertx(1).eventBus().request(ADDRESS, "ping", SHORT).map(reply -> reply.body()));
    }
    Await.result(Future.join(replies).otherwiseEmpty());
    return (int) replies.stream().filter(reply -> reply.succeeded() && "n1".equals(reply.result())).count();
  }
}
