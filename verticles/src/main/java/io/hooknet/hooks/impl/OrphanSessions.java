package io.hooknet.hooks.impl;

import com.hazelcast.map.IMap;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.SessionProcessor.SessionState;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Sessions the cluster has as connected to this node, which has no connection for them: entries of a process that
 * ran under this node's name before (killed and restarted before any sweep saw its name gone), or of a connection
 * whose close the entry missed. The sweep cannot tell them, as the node's name is a member; nothing else would ever
 * end them. Every {@value #ORPHAN_MILLIS} ms the node looks for them; one seen twice in a row with the same
 * attachment (an attach racing the look is seen once) is handed to {@code detach}, which lets its grace period run.
 * Started and stopped on the registry's event loop, where {@code heldHere} and {@code detach} are called.
 */
final class OrphanSessions {

  static final long ORPHAN_MILLIS = 5_000;
  private static final Logger LOG = Logger.getLogger(io.hooknet.hooks.Sessions.class.getName());

  private final Vertx vertx;
  private final String node;
  private final FamilyStore store;
  private final IMap<String, byte[]> sessions;
  /** Whether a session has a connection here (or one closing). */
  private final Predicate<String> heldHere;
  /** Detaches a session, with the attachment seen, as when its node left. */
  private final BiConsumer<String, Long> detach;
  private long timer = -1;
  private boolean checking;
  /** Sessions seen connected here, with no connection here, at the last look: their attachment. */
  private Map<String, Long> unclaimed = Map.of();

  OrphanSessions(Vertx vertx, String node, FamilyStore store, IMap<String, byte[]> sessions,
      Predicate<String> heldHere, BiConsumer<String, Long> detach) {
    this.vertx = vertx;
    this.node = node;
    this.store = store;
    this.sessions = sessions;
    this.heldHere = heldHere;
    this.detach = detach;
  }

  void start() {
    timer = vertx.setPeriodic(ORPHAN_MILLIS, id -> checkOrphans());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void checkOrphans() {
    if (checking) {
      return;
    }
    checking = true;
    store.within(vertx.executeBlocking(() -> {
      Map<String, Long> found = new HashMap<>();
      sessions.entrySet(new ConnectedAt(node)).forEach(entry -> found.put(entry.getKey(),
          Mapping.fromCborBytes(entry.getValue(), SessionState.class).attachment()));
      return found;
    }, false), "sessions connected to " + node).onComplete(done -> checking = false).onSuccess(found -> {
      Map<String, Long> seen = new HashMap<>();
      found.forEach((id, attachment) -> {
        if (heldHere.test(id)) {
          return;
        }
        seen.put(id, attachment);
        if (attachment.equals(unclaimed.get(id))) {
          LOG.info(() -> "session " + id + " is connected here as the cluster has it, but this node has no "
              + "connection for it; its grace period runs");
          detach.accept(id, attachment);
        }
      });
      unclaimed = seen;
    });
  }

  /** Selects the sessions connected to one node; runs where the entries are. */
  private static final class ConnectedAt implements com.hazelcast.query.Predicate<String, byte[]> {
    private static final long serialVersionUID = 1L;
    private final String node;

    ConnectedAt(String node) {
      this.node = node;
    }

    @Override
    public boolean apply(Map.Entry<String, byte[]> entry) {
      SessionState state = Mapping.fromCborBytes(entry.getValue(), SessionState.class);
      return state.connected() && node.equals(state.node());
    }
  }
}
