package io.hooknet.cluster.impl;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Why a cluster refused a node that asked to join. A member that refuses a join tells the joining member, whose
 * Hazelcast logs the reason and shuts down; the start then fails with a bare "Node failed to start!". The reason is
 * taken from that log record, among those of the node's own cluster name, while one attempt to join is under way.
 *
 * <p>A cluster refuses new members while its state does not allow them, which Hazelcast sets on its own for a
 * moment: the side of a split that merges into the other freezes its cluster ({@code FROZEN}) until its members
 * have moved over, and an operator may freeze or pause it for a while. Such a refusal is worth waiting out
 * ({@link #byState(String)}); any other (another version, another configuration) is not.
 */
final class JoinRefusals extends Handler implements AutoCloseable {

  /** The logger Hazelcast tells a refused join's reason on, as "Reason of failure for node join: ...". */
  private static final Logger SECURITY = Logger.getLogger("com.hazelcast.security");
  private static final String REASON = "Reason of failure for node join: ";
  private static final String STATE = "Cluster state either is locked or doesn't allow new members to join";

  private final String clusterTag;
  private volatile String reason;

  private JoinRefusals(String clusterName) {
    // Hazelcast's records start with the member's address, then its cluster name in brackets.
    this.clusterTag = "[" + clusterName + "]";
    setLevel(Level.SEVERE);
  }

  /** Watches for the refusal of a join to cluster {@code clusterName} until {@link #close}. */
  static JoinRefusals watch(String clusterName) {
    JoinRefusals refusals = new JoinRefusals(clusterName);
    SECURITY.addHandler(refusals);
    return refusals;
  }

  /** The reason the cluster gave for refusing the join, or null if it refused none. */
  String reason() {
    return reason;
  }

  /** Whether {@code reason} is the cluster's state, which lets members in again once it changes back. */
  static boolean byState(String reason) {
    return reason.contains(STATE);
  }

  @Override
  public void publish(LogRecord record) {
    String message = record.getMessage();
    if (message == null) {
      return;
    }
    int at = message.indexOf(REASON);
    if (at >= 0 && message.contains(clusterTag)) {
      reason = message.substring(at + REASON.length());
    }
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    SECURITY.removeHandler(this);
  }
}
