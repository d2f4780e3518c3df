package io.hooknet.cluster.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import io.vertx.spi.cluster.hazelcast.impl.SubsMapHelper;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Keeps Vert.x's cluster-wide record of which node consumes which event bus address (the Hazelcast multimap
 * {@value #SUBS}) true after the cluster changes. Vert.x corrects it once per change: each node removes a departed
 * node's registrations as it sees the node leave, and a node that merges back puts its own back. Both run while
 * Hazelcast may still be migrating partitions, and they race:
 * <ul>
 *   <li>a removal cut short by a stuck migration, or undone by a merge that brings back a copy of the map from
 *   before it, leaves a dead node's registrations for good (eclipse-vertx/vert.x#5202, vert-x3/vertx-hazelcast#90):
 *   a send to an address it consumed goes to it in turn with the live consumers, and is lost;</li>
 *   <li>a removal that finishes late, after the node it was about came back (it was paused, or cut off, and merged),
 *   takes out the registrations that node has just put back: no other node can reach its consumers any more (its
 *   registry's notices, its commands, its bridged clients' addresses), though it is a member, and nothing puts them
 *   back.</li>
 * </ul>
 * So {@value #FIRST_MILLIS} ms, {@value #SECOND_MILLIS} ms and {@value #LAST_MILLIS} ms after the latest change of
 * the cluster (a member joined or left, a merge), by when Hazelcast has settled, or given up on a migration, each
 * node puts back those of its own registrations the record lacks, and the oldest member in a node's view removes
 * those of nodes that are not members (on each side of a split, a member of that side; removing is idempotent, so
 * two nodes that each take themselves for the oldest do no harm). A pass that fails (partitions unavailable) is
 * tried again {@value #RETRY_MILLIS} ms later.
 *
 * <p>A node removes only in the view it was told of last: a sweep due before a change it has not been told of yet
 * (a node resumed after a pause runs its overdue timers while Hazelcast already takes the others for gone), or
 * while the node merges back, removes nothing. Such a node's removals would otherwise reach the cluster it joins and
 * take out the registrations of members that never left; for the same reason Vert.x's own removal is not made while
 * the node merges ({@link MergeAwareClusterManager}).
 */
final class RegistrationRecord {

  private static final Logger LOG = Logger.getLogger(RegistrationRecord.class.getName());
  static final String SUBS = "__vertx.subs";
  static final long FIRST_MILLIS = 5_000;
  static final long SECOND_MILLIS = 30_000;
  static final long LAST_MILLIS = 100_000;
  static final long RETRY_MILLIS = 10_000;
  private static final int SHOWN = 10;
  private static final long[] AFTER_A_CHANGE = {FIRST_MILLIS, SECOND_MILLIS, LAST_MILLIS};

  private final Vertx vertx;
  private final MergeAwareClusterManager clusterManager;
  private final HazelcastInstance hazelcast;
  /** Vert.x's own record of this node's registrations, or null where this version of Vert.x keeps it otherwise. */
  private final Own own;

  /** The cluster manager's helper that puts this node's registrations back after a merge, and what it keeps. */
  private record Own(SubsMapHelper helper, Map<String, Set<RegistrationInfo>> registrations) {
  }
  /** The sweeps due after the latest change; replaced by the next change. */
  private final Set<Long> timers = new HashSet<>();
  private boolean closed;
  /** The members when this node was last told of a change; null before the first. */
  private volatile Set<UUID> told;

  RegistrationRecord(Vertx vertx, MergeAwareClusterManager clusterManager) {
    this.vertx = vertx;
    this.clusterManager = clusterManager;
    this.hazelcast = clusterManager.getHazelcastInstance();
    this.own = ownRegistrations(clusterManager);
  }

  /** This node's registrations as the cluster manager keeps them, which it has no public accessor for. */
  @SuppressWarnings("unchecked")
  private static Own ownRegistrations(HazelcastClusterManager clusterManager) {
    try {
      SubsMapHelper helper = (SubsMapHelper) field(HazelcastClusterManager.class, "subsMapHelper").get(clusterManager);
      return new Own(helper, (Map<String, Set<RegistrationInfo>>) field(SubsMapHelper.class, "ownSubs").get(helper));
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warning(() -> "this node cannot put back its event bus registrations missing from the cluster's record "
          + "(this Vert.x keeps them otherwise): " + e);
      return null;
    }
  }

  /** The cluster changed: the sweeps due after the previous change are replaced by those after this one. */
  synchronized void changed() {
    told = members();
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
    vertx.executeBlocking(() -> putBack() + removeStale(), false).onComplete(done -> {
      if (done.failed()) {
        LOG.warning(() -> "correcting the cluster's record of event bus registrations failed, trying again in "
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
   * Puts back the registrations of this node that the record lacks; gives how many it lacked. Vert.x puts them all
   * back, under the lock that keeps a registration made or removed meanwhile from being undone.
   */
  int putBack() {
    if (own == null) {
      return 0;
    }
    MultiMap<String, HazelcastRegistrationInfo> subs = hazelcast.getMultiMap(SUBS);
    Set<String> addresses = new TreeSet<>();
    int missing = 0;
    for (Map.Entry<String, Set<RegistrationInfo>> entry : own.registrations().entrySet()) {
      List<RegistrationInfo> infos;
      synchronized (entry.getValue()) {
        infos = List.copyOf(entry.getValue());
      }
      if (infos.isEmpty()) {
        continue;
      }
      // One read of the address's entries, on its partition (MultiMap.containsEntry asks every partition, and
      // waits for all of them without a time limit: during a migration it can hang the sweep for good).
      Collection<HazelcastRegistrationInfo> recorded = subs.get(entry.getKey());
      for (RegistrationInfo info : infos) {
        if (!recorded.contains(new HazelcastRegistrationInfo(info))) {
          missing++;
          addresses.add(entry.getKey());
        }
      }
    }
    if (missing > 0) {
      own.helper().republishOwnSubs();
      int count = missing;
      LOG.warning(() -> "put back " + count + " event bus registrations of this node that the cluster's record had "
          + "lost, of " + shown(addresses));
    }
    return missing;
  }

  /** Whether the members are those this node was last told of, and it is not merging back. */
  private boolean settled() {
    return !clusterManager.merging() && members().equals(told);
  }

  private Set<UUID> members() {
    Set<UUID> members = new HashSet<>();
    hazelcast.getCluster().getMembers().forEach(member -> members.add(member.getUuid()));
    return members;
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field field = type.getDeclaredField(name);
    field.setAccessible(true);
    return field;
  }

  private static String shown(Set<String> addresses) {
    return addresses.size() <= SHOWN ? addresses.toString() : addresses.stream().limit(SHOWN).toList() + " and "
        + (addresses.size() - SHOWN) + " more addresses";
  }

  /**
   * Removes every registration of a node that is not a member now, when this node is the oldest member; gives how
   * many it removed.
   */
  int removeStale() {
    if (!settled() || !hazelcast.getCluster().getMembers().iterator().next().localMember()) {
      return 0;
    }
    MultiMap<String, HazelcastRegistrationInfo> subs = hazelcast.getMultiMap(SUBS);
    Set<String> addresses = new TreeSet<>();
    int removed = 0;
    Set<String> members = new HashSet<>(clusterManager.getNodes());
    for (Map.Entry<String, HazelcastRegistrationInfo> entry : subs.entrySet()) {
      String node = entry.getValue().unwrap().nodeId();
      // The members are read again before a removal: a node that joined meanwhile registers as a member, and a
      // change this node has not been told of yet stops the sweep.
      if (!members.contains(node) && !clusterManager.getNodes().contains(node) && settled()
          && subs.remove(entry.getKey(), entry.getValue())) {
        removed++;
        addresses.add(entry.getKey());
      }
    }
    if (removed > 0) {
      int count = removed;
      LOG.info(() -> "removed " + count + " event bus registrations of nodes no longer in the cluster, of "
          + shown(addresses));
    }
    return removed;
  }
}
