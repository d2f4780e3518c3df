package io.hooknet.hooks.impl;

import com.hazelcast.map.IMap;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.SessionProcessor.SessionState;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Anti-entropy between the families and the sessions: every {@value #RECONCILE_MILLIS} ms the families whose
 * entries this node holds are searched for hooks and callbacks of sessions the cluster has as ended and cleaned up
 * after, or has no entry for at all, and their clean-up runs again on those families. However faults interleaved a
 * session's end with merges (a side's copy of a family, kept at a merge, holding what the other side's clean-up
 * removed), an ended session's registrations go within {@value #RECONCILE_MILLIS} ms of the families and sessions
 * agreeing, with its cause told to every callback. Clean-up runs twice without telling anything twice. Started and
 * stopped on the registry's event loop; the search runs on a worker thread.
 */
final class SessionReconciler {

  /** How often a node looks in the families it holds for what ended sessions still own. */
  static final long RECONCILE_MILLIS = 10_000;
  private static final Logger LOG = Logger.getLogger(io.hooknet.hooks.Sessions.class.getName());

  private final Vertx vertx;
  private final FamilyStore store;
  private final IMap<String, byte[]> sessions;
  private final Deliveries deliveries;
  private long timer = -1;
  private boolean reconciling;
  /** Sessions the last search found owning something without an entry (read and written on a worker thread). */
  private volatile Set<String> sessionsMissing = Set.of();

  SessionReconciler(Vertx vertx, FamilyStore store, IMap<String, byte[]> sessions, Deliveries deliveries) {
    this.vertx = vertx;
    this.store = store;
    this.sessions = sessions;
    this.deliveries = deliveries;
  }

  void start() {
    timer = vertx.setPeriodic(RECONCILE_MILLIS, id -> reconcile());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** An ended session that still owns something in a family. */
  private record Leftover(String family, String session, Cause cause) {
  }

  private void reconcile() {
    if (reconciling) {
      return;
    }
    reconciling = true;
    long view = store.view();
    vertx.executeBlocking(() -> {
      Map<String, Set<String>> owners = new HashMap<>();
      for (String family : store.map().localKeySet()) {
        FamilyState state = store.map().get(family);
        if (state == null) {
          continue;
        }
        Set<String> sessions = owners.computeIfAbsent(family, f -> new HashSet<>());
        state.callbacks.forEach(callback -> sessions.add(callback.session()));
        for (FamilyState.EventState event : state.events) {
          event.chain.forEach(link -> sessions.add(link.session()));
          event.callbacks.forEach(callback -> sessions.add(callback.session()));
        }
        sessions.remove(null);
      }
      Set<String> all = new HashSet<>();
      owners.values().forEach(all::addAll);
      Map<String, byte[]> found = all.isEmpty() ? Map.of() : sessions.getAll(all);
      List<Leftover> leftovers = new ArrayList<>();
      Set<String> missing = new HashSet<>();
      owners.forEach((family, ids) -> ids.forEach(id -> {
        byte[] bytes = found.get(id);
        SessionState state = bytes == null ? null : Mapping.fromCborBytes(bytes, SessionState.class);
        // Only a finished clean-up (a tombstone): a session still ending is the sweep's, which withdraws first.
        if (state != null && state.ending() && state.cleaned()) {
          leftovers.add(new Leftover(family, id, state.cause() == null ? Cause.CLIENT_LEFT : state.cause()));
        } else if (state == null) {
          // No entry at all: Hazelcast lost its partition (both copies, with two members gone at once), so no
          // sweep will ever end it. A session's entry is made before anything it registers, so one missing in two
          // rounds in a row is gone; its client, if still there, is answered that its session was not resumed.
          missing.add(id);
          if (sessionsMissing.contains(id)) {
            leftovers.add(new Leftover(family, id, Cause.CLIENT_LEFT));
          }
        }
      }));
      sessionsMissing = missing;
      return leftovers;
    }, false).onComplete(done -> reconciling = false).onSuccess(leftovers -> leftovers.forEach(leftover -> {
      LOG.info(() -> "session " + leftover.session() + " has ended (or its entry was lost), yet family "
          + leftover.family() + " still has what it owned; cleaning up after it again");
      store.change(leftover.family(), FamilyProcessor.sessionEnded(leftover.session(), leftover.cause(),
          store.changeContext(view))).onSuccess(deliveries::apply).onFailure(failure -> LOG.fine(
              () -> "clean-up after session " + leftover.session() + " on " + leftover.family() + ": " + failure));
    }));
  }
}
