package io.hooknet.cluster.impl;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.logging.Logger;

/**
 * Vert.x's Hazelcast cluster manager, but for one thing: while this node merges back into the cluster, it does not
 * act on a member's departure. Vert.x removes a departed member's event bus registrations from the cluster's record
 * as each node sees the member leave; a node resumed after a pause, or on the smaller side of a healed split, sees
 * the others leave as it starts to merge, and its removals, made as it joins, take the registrations of members
 * that never left out of the cluster's record: sends to their consumers are lost until they put them back
 * ({@link RegistrationRecord}). Once merged, Vert.x compares the members it knew with the cluster's and removes
 * those of the members that are gone for good; a departure left aside here is among them if it was one.
 */
final class MergeAwareClusterManager extends HazelcastClusterManager {

  private static final Logger LOG = Logger.getLogger(MergeAwareClusterManager.class.getName());

  private volatile boolean merging;

  MergeAwareClusterManager(Config config) {
    super(config);
  }

  @Override
  public synchronized void stateChanged(LifecycleEvent event) {
    if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
      merging = true;
    } else if (event.getState() == LifecycleEvent.LifecycleState.MERGED
        || event.getState() == LifecycleEvent.LifecycleState.MERGE_FAILED) {
      merging = false;
    }
    super.stateChanged(event);
  }

  /** Whether this node is between Hazelcast's {@code MERGING} and {@code MERGED} (or {@code MERGE_FAILED}). */
  boolean merging() {
    return merging;
  }

  @Override
  public synchronized void memberRemoved(MembershipEvent event) {
    if (merging) {
      LOG.fine(() -> "merging: the departure of " + event.getMember() + " is checked once merged");
      return;
    }
    super.memberRemoved(event);
  }
}
