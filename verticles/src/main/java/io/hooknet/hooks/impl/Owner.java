package io.hooknet.hooks.impl;

/**
 * Who a registration belongs to: node {@code node} itself ({@code session} null), or the bridge session
 * {@code session}, then anchored at {@code node}. A session's registrations are the same owner whichever node
 * it is anchored at.
 */
public record Owner(String node, String session) {

  static Owner node(String node) {
    return new Owner(node, null);
  }

  boolean sessionOwned() {
    return session != null;
  }

  /** Whether {@code other} is the same owner: the same session, or the same node for node-owned ones. */
  boolean same(Owner other) {
    return sessionOwned() ? session.equals(other.session) : !other.sessionOwned() && node.equals(other.node);
  }

  /** The owner's name as the merge rule compares it: {@code session:<id>} or {@code node:<name>}. */
  String key() {
    return sessionOwned() ? "session:" + session : "node:" + node;
  }

  @Override
  public String toString() {
    return sessionOwned() ? "session " + session + " (node " + node + ")" : "node " + node;
  }
}
