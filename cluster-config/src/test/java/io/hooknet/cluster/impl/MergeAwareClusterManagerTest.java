package io.hooknet.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.multimap.MultiMap;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node merging back is told of members leaving (its view from before the merge) while it joins the cluster they
 * are still in: it leaves their event bus registrations in the cluster's record, which Vert.x would take out. What
 * Vert.x does on a departure runs off the Hazelcast thread that tells it.
 */
class MergeAwareClusterManagerTest {

  private static final String ADDRESS = "merge-aware-test";
  private static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(2_000);

  private final LocalCluster cluster = LocalCluster.start(MergeAwareClusterManagerTest.class, 2);
  private final HazelcastInstance hazelcast = cluster.node(0).hazelcast();
  /** The cluster's record of consumers. */
  private final MultiMap<String, HazelcastRegistrationInfo> subs = hazelcast.getMultiMap(RegistrationRecord.SUBS);
  private final MergeAwareClusterManager manager =
      (MergeAwareClusterManager) ((VertxInternal) cluster.vertx(0)).clusterManager();
  private final Member n2 = cluster.node(1).hazelcast().getCluster().getLocalMember();
  private final String n2Id = n2.getAttribute("__vertx.nodeId");

  @AfterEach
  void stop() {
    cluster.close();
  }

  /** n2 has a consumer that n1 reaches. */
  @BeforeEach
  void consumerOnN2() {
    Await.result(cluster.vertx(1).eventBus().consumer(ADDRESS, message -> message.reply("n2")).completion());
    Await.until("n1 to reach n2's consumer", Duration.ofSeconds(10), () -> reached());
  }

  @Test
  void aDepartureToldWhileMergingLeavesTheMembersRegistrationsAndOneToldOtherwiseTakesThemOut() {
    manager.stateChanged(new LifecycleEvent(LifecycleState.MERGING));
    assertThat(manager.merging()).isTrue();
    manager.memberRemoved(event(MembershipEvent.MEMBER_REMOVED));
    assertThat(recordAfterwards()).containsExactly(n2Id);
    // Merged: n2 is a member, so nothing of it is taken out.
    manager.stateChanged(new LifecycleEvent(LifecycleState.MERGED));
    assertThat(manager.merging()).isFalse();
    assertThat(recordAfterwards()).containsExactly(n2Id);
    assertThat(reached()).isTrue();

    // Told outside a merge, the departure takes n2's registration out, as Vert.x does.
    manager.memberRemoved(event(MembershipEvent.MEMBER_REMOVED));
    assertThat(recordAfterwards()).isEmpty();
  }

  /**
   * Hazelcast tells its membership listeners on a few event threads, several listeners to a thread: Vert.x's handling
   * of a departure, which waits on the cluster's maps, must not hold the thread that would tell the next listener.
   */
  @Test
  void aDepartureIsHandedOnAtOnceWhileVertxsHandlingOfItWaits() throws Exception {
    Thread teller = new Thread(() -> manager.memberRemoved(event(MembershipEvent.MEMBER_REMOVED)), "event-thread");
    // Vert.x's handling takes the manager's lock, held here as a slow cluster would hold it.
    synchronized (manager) {
      teller.start();
      teller.join(2_000);
      assertThat(teller.isAlive()).as("the departure handed on while Vert.x's handling of it waits").isFalse();
      assertThat(subs.get(ADDRESS)).hasSize(1);
    }
    assertThat(recordAfterwards()).isEmpty();
  }

  @Test
  void aDepartureToldJustBeforeAMergeBeganIsLeftAsideIfTheMergeHasBegunByTheTimeItIsHandled() {
    synchronized (manager) {
      // Vert.x's handling of the arrival waits for the lock, and the departure behind it.
      manager.memberAdded(event(MembershipEvent.MEMBER_ADDED));
      manager.memberRemoved(event(MembershipEvent.MEMBER_REMOVED));
      manager.stateChanged(new LifecycleEvent(LifecycleState.MERGING));
    }
    assertThat(recordAfterwards()).containsExactly(n2Id);
    manager.stateChanged(new LifecycleEvent(LifecycleState.MERGED));
    assertThat(recordAfterwards()).containsExactly(n2Id);
    assertThat(reached()).isTrue();
  }

  private MembershipEvent event(int type) {
    return new MembershipEvent(hazelcast.getCluster(), n2, type, hazelcast.getCluster().getMembers());
  }

  /** The nodes of the consumers at {@link #ADDRESS} in the record, once Vert.x has handled what it was told. */
  private List<String> recordAfterwards() {
    Await.result(Future.fromCompletionStage(manager.handled()));
    return subs.get(ADDRESS).stream().map(info -> info.unwrap().nodeId()).toList();
  }

  private boolean reached() {
    return Await.result(cluster.vertx(0).eventBus().request(ADDRESS, "ping", SHORT).map(reply -> reply.body())
        .otherwise("none")).equals("n2");
  }
}
