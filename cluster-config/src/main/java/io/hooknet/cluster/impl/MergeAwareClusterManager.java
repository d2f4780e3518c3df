package io.hooknet.cluster.impl;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.core.LifecycleEvent;
import io.hooknet.cluster.OrderedThread;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.logging.Logger;

/**
 * Vert.x's Hazelcast cluster manager, but for two things.
 *
 * <p>While this node merges back into the cluster, it does not act on a member's departure, whether told of it then
 * or about to act on it when the merge began. Vert.x removes a departed member's event bus registrations from the
 * cluster's record as each node sees the member leave; a node resumed after a pause, or on the smaller side of a
 * healed split, sees the others leave as it starts to merge, and its removals, made as it joins, take the
 * registrations of members that never left out of the cluster's record: sends to their consumers are lost until they
 * put them back ({@link RegistrationRecord}). Once merged, Vert.x compares the members it knew with the cluster's
 * and removes those of the members that are gone for good; a departure left aside here is among them if it was one.
 *
 * <p>What Vert.x does when told of a member or of a merge runs on a thread of its own, in the order told, not on the
 * Hazelcast thread that tells it. Vert.x's clean-up after a departed member reads and writes the cluster's maps,
 * which wait for the departed member's partitions to be taken over, seconds on a loaded machine; Hazelcast tells
 * other membership listeners (the hook registry's, which removes the member's hooks) on the same few threads, and
 * one that shared the thread with Vert.x's waited for it: {@code NODE_LEFT} came 3 s after the member's removal.
 */
final class MergeAwareClusterManager extends HazelcastClusterManager {

  private static final Logger LOG = Logger.getLogger(MergeAwareClusterManager.class.getName());

  private final ExecutorService told = OrderedThread.named("hooknet-cluster-membership");
  private volatile boolean merging;

  MergeAwareClusterManager(Config config) {
    super(config);
  }

  @Override
  public void stateChanged(LifecycleEvent event) {
    if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
      merging = true;
    } else if (event.getState() == LifecycleEvent.LifecycleState.MERGED
        || event.getState() == LifecycleEvent.LifecycleState.MERGE_FAILED) {
      merging = false;
    }
    told.execute(() -> super.stateChanged(event));
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    told.execute(() -> super.memberAdded(event));
  }

  /** Whether this node is between Hazelcast's {@code MERGING} and {@code MERGED} (or {@code MERGE_FAILED}). */
  boolean merging() {
    return merging;
  }

  /** A departure told while this node merges, or handled once it has begun to, is checked once merged. */
  @Override
  public void memberRemoved(MembershipEvent event) {
    if (!leftAside(event)) {
      told.execute(() -> {
        if (!leftAside(event)) {
          super.memberRemoved(event);
        }
      });
    }
  }

  private boolean leftAside(MembershipEvent event) {
    if (merging) {
      LOG.fine(() -> "merging: the departure of " + event.getMember() + " is checked once merged");
    }
    return merging;
  }

  /** Completes once Vert.x has handled what this node was told before. */
  CompletableFuture<Void> handled() {
    return CompletableFuture.runAsync(() -> {
    }, told);
  }
}
