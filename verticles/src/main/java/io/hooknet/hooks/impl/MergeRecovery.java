package io.hooknet.hooks.impl;

import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.hooks.impl.Effects.CallbackKey;
import io.hooknet.hooks.impl.OwnerOps.Owned;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a node does once Hazelcast has merged it back after a split: the cluster kept the other side's stored
 * registry, so the node connects its sessions again and asserts, family by family, what it and those sessions own
 * ({@link OwnerOps#reassert}), which settles every name held on both sides and re-synchronises the callbacks it
 * delivers; what was unregistered through the node and the kept side still holds is taken out again. The other
 * nodes do the same when the node joins them ({@link #runAfter}): a family the cluster had lost (its partition gone
 * with the members that held it) comes back as the merging side had it, which may lack what their sessions
 * registered meanwhile, or keep the clean-up the merging side made after a session the cluster has connected. They
 * do it too when a member leaves (the backups that take over its partitions may lack the changes whose backups
 * timed out) and when Hazelcast reports a partition lost: a family may then be older than what was acknowledged, or
 * gone. With what it owns, a node sends the last change each callback stream it delivers was given: a member that
 * left may have made changes it never told, and the family sends every stream behind its latest change the changes
 * after its last. Asserting is idempotent, so a try that fails (Hazelcast still migrating partitions just after the
 * merge, a member leaving meanwhile) is repeated every {@value #RETRY_MILLIS} ms until one succeeds or the registry
 * stops.
 */
final class MergeRecovery {

  private static final Logger LOG = Logger.getLogger(MergeRecovery.class.getName());

  static final long RETRY_MILLIS = 1000;

  private final Vertx vertx;
  private final String node;
  private final FamilyStore store;
  private final SessionsImpl sessions;
  private final Ownership ownership;
  private final Deliveries deliveries;
  private volatile boolean stopped;

  MergeRecovery(Vertx vertx, String node, FamilyStore store, SessionsImpl sessions, Ownership ownership, Deliveries deliveries) {
    this.vertx = vertx;
    this.node = node;
    this.store = store;
    this.sessions = sessions;
    this.ownership = ownership;
    this.deliveries = deliveries;
  }

  /** Asserts again after this node merged back, repeating failed tries until one succeeds or {@link #stop()}. */
  void run() {
    run(true, "node " + node + " merged back into the cluster", "after the merge");
  }

  /**
   * Asserts again, as {@link #run()} does, after a change of the cluster ({@code what}: a node joined, it may have
   * merged back; a node left, and the copies of its partitions that took over may lack its latest changes; or
   * Hazelcast lost partitions completely): what this node and the sessions connected here own, and the callbacks
   * it delivers that a family no longer has are put back and re-synchronised.
   */
  void runAfter(String what) {
    run(false, what, "after " + what);
  }

  private void run(boolean merging, String why, String after) {
    assertAgain(merging, why)
        .onSuccess(done -> {
          LOG.log(merging ? Level.INFO : Level.FINE,
              () -> "node " + node + " has asserted again what it owns " + after);
          if (merging) {
            sessions.merged();
          }
        })
        .onFailure(failure -> {
      if (stopped) {
        return;
      }
      LOG.warning(() -> "asserting again " + after + " failed, trying again in " + RETRY_MILLIS + " ms: " + failure);
      vertx.setTimer(RETRY_MILLIS, timer -> run(merging, why, after));
    });
  }

  void stop() {
    stopped = true;
  }

  private Future<Void> assertAgain(boolean merging, String why) {
    // Sessions connected here again, and, on the node that merged, those of the others that still exist (a client
    // reconnecting, within its grace period): what they own is asserted again too, or the merge would drop it
    // without a word. A session that ended on the other side while the merging node acknowledged its registrations
    // is withdrawn there: what it owned is put back where no one else holds the name and removed with CLIENT_LEFT,
    // so that every callback is told.
    Set<String> owning = new HashSet<>();
    if (merging) {
      ownership.of(owner -> owner.sessionOwned()).forEach(owned -> owning.add(owned.owner().session()));
    }
    // A session whose connection here closed while the merge was bringing its entry back is detached.
    return sessions.reattach()
        .compose(live -> sessions.aliveAfterMerge(owning).map(alive -> {
          Set<String> asserted = new HashSet<>(alive);
          asserted.addAll(live);
          return asserted;
        })).compose(live -> {
      Set<String> ended = new HashSet<>(owning);
      ended.removeAll(live);
      Predicate<Owner> mine = owner -> owner.sessionOwned() ? live.contains(owner.session())
          : owner.node().equals(node);
      Map<String, List<Owned>> byFamily = new LinkedHashMap<>();
      // The streams this node delivers are brought up to their family's latest change: the node that made a change
      // may have died before it sent it, and with no change after it the stream would never notice.
      Map<String, List<OwnerOps.Given>> given = deliveries.sequencer().given();
      given.keySet().forEach(family -> byFamily.put(family, new ArrayList<>()));
      for (Owned owned : ownership.of(mine)) {
        byFamily.computeIfAbsent(owned.command().family(), family -> new ArrayList<>()).add(owned);
        HookCommand.Registration what = ((HookCommand.Registers) owned.command()).registration();
        if (what.kind() != HookCommand.Registration.Kind.HOOK && !deliveries.sequencer()
            .streaming(new CallbackKey(what.family(), what.event(), what.name()))) {
          // A callback this node should deliver and has no stream for: stopped here by a removal made on a view
          // the cluster did not keep (a node that merged back told what its side had done). Still in the family,
          // it is re-synchronised; otherwise it is put back and re-synchronised.
          given.computeIfAbsent(what.family(), family -> new ArrayList<>())
              .add(OwnerOps.Given.notStreamed(what.event(), what.name()));
        }
        if (owned.owner().sessionOwned()) {
          // The other side may have ended the session meanwhile and released what it claimed: claim it again.
          sessions.check(owned.owner(), ((HookCommand.Registers) owned.command()).address());
        }
      }
      // What was unregistered through this node may be back with a copy of its family from before: taken out again.
      Map<String, List<Owned>> unregistered = new LinkedHashMap<>();
      for (Owned was : ownership.unregistered()) {
        unregistered.computeIfAbsent(was.command().family(), family -> new ArrayList<>()).add(was);
        byFamily.computeIfAbsent(was.command().family(), family -> new ArrayList<>());
      }
      LOG.log(merging ? Level.INFO : Level.FINE, () -> why + "; node " + node + " asserts again what it and "
          + live.size()
          + " sessions own in " + byFamily.size() + " families" + (ended.isEmpty() ? ""
          : "; " + ended.size() + " sessions that ended meanwhile lose theirs: " + String.join(", ", ended)));
      List<Future<Void>> families = new ArrayList<>();
      ended.forEach(session -> families.add(sessions.withdraw(session, Cause.CLIENT_LEFT)));
      byFamily.forEach((family, owned) -> families.add(store.change(family, FamilyProcessor.reassert(owned,
          unregistered.getOrDefault(family, List.of()), given.getOrDefault(family, List.of()), node, merging,
          store.changeContext())).map(result -> {
            deliveries.apply(result);
            return null;
          })));
      return Future.join(families).<Void>mapEmpty();
    });
  }
}
