package io.hooknet.cluster.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Removes, from Vert.x's cluster-wide record of which node consumes which event bus address (the Hazelcast
 * multimap {@value #SUBS}), the registrations of nodes that are no longer members. Vert.x removes a departed node's
 * registrations once, as it sees the node leave; when that sweep runs while Hazelcast is still migrating the
 * partitions, or a merge brings back a copy of the map from before it, the dead node's registrations stay for good
 * (eclipse-vertx/vert.x#5202, vert-x3/vertx-hazelcast#90). A send to an address it consumed is then routed to it in
 * turn with the live consumers, and every other message is lost: a node's own command address, its registry's
 * notices. Each node sweeps {@value #FIRST_MILLIS} ms, {@value #SECOND_MILLIS} ms and {@value #LAST_MILLIS} ms after
 * the latest change of the cluster (a member joined or left, a merge), by when Hazelcast has settled, or given up
 * on a migration; a sweep that fails (partitions unavailable) is tried again {@value #RETRY_MILLIS} ms later.
 * Only the oldest member in a node's view sweeps, so the map is read once per sweep, not once per node; on each side
 * of a split that is a member of that side. Removing is idempotent, so two nodes that each take themselves for the
 * oldest do no harm.
 */
final class StaleRegistrations {

  private static final Logger LOG = Logger.getLogger(StaleRegistrations.class.getName());
  static final String SUBS = "__vertx.subs";
  static final long FIRST_MILLIS = 5_000;
  static final long SECOND_MILLIS = 30_000;
  static final long LAST_MILLIS = 100_000;
  static final long RETRY_MILLIS = 10_000;
  private static final int SHOWN = 10;
  private static final long[] AFTER_A_CHANGE = {FIRST_MILLIS, SECOND_MILLIS, LAST_MILLIS};

  private final Vertx vertx;
  private final HazelcastClusterManager clusterManager;
  private final HazelcastInstance hazelcast;
  /** The sweeps due after the latest change; replaced by the next change. */
  private final Set<Long> timers = new HashSet<>();
  private boolean closed;

  StaleRegistrations(Vertx vertx, HazelcastClusterManager clusterManager) {
    this.vertx = vertx;
    this.clusterManager = clusterManager;
    this.hazelcast = clusterManager.getHazelcastInstance();
  }

  /** The cluster changed: the sweeps due after the previous change are replaced by those after this one. */
  synchronized void changed() {
    if (closed) {
      return;
    }
    timers.forEach(vertx::cancelTimer);
    timers.clear();
    for (long delay : AFTER_A_CHANGE) {
      schedule(delay);
    }
  }

  synchronized void close() {
    closed = true;
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }

  private void schedule(long delay) {
    long[] id = new long[1];
    id[0] = vertx.setTimer(delay, timer -> {
      synchronized (this) {
        timers.remove(id[0]);
      }
      sweep();
    });
    timers.add(id[0]);
  }

  private void sweep() {
    vertx.executeBlocking(this::removeStale, false).onComplete(done -> {
      if (done.failed()) {
        LOG.warning(() -> "sweeping the event bus registrations of departed nodes failed, trying again in "
            + RETRY_MILLIS + " ms: " + done.cause());
        synchronized (this) {
          if (!closed) {
            schedule(RETRY_MILLIS);
          }
        }
      }
    });
  }

  /**
   * Removes every registration of a node that is not a member now, when this node is the oldest member; gives how
   * many it removed.
   */
  int removeStale() {
    if (!hazelcast.getCluster().getMembers().iterator().next().localMember()) {
      return 0;
    }
    MultiMap<String, HazelcastRegistrationInfo> subs = hazelcast.getMultiMap(SUBS);
    Set<String> addresses = new TreeSet<>();
    int removed = 0;
    Set<String> members = new HashSet<>(clusterManager.getNodes());
    for (Map.Entry<String, HazelcastRegistrationInfo> entry : subs.entrySet()) {
      String node = entry.getValue().unwrap().nodeId();
      // The members are read again before a removal: a node that joined meanwhile registers as a member.
      if (!members.contains(node) && !clusterManager.getNodes().contains(node)
          && subs.remove(entry.getKey(), entry.getValue())) {
        removed++;
        addresses.add(entry.getKey());
      }
    }
    if (removed > 0) {
      int count = removed;
      LOG.info(() -> "removed " + count + " event bus registrations of nodes no longer in the cluster, of "
          + (addresses.size() <= SHOWN ? addresses : addresses.stream().limit(SHOWN).toList() + " and "
          + (addresses.size() - SHOWN) + " more addresses"));
    }
    return removed;
  }
}
