package io.hooknet.hooks.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Replies.SessionInfo;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.Sessions;
import io.hooknet.hooks.impl.FamilyProcessor.Result;
import io.hooknet.hooks.impl.SessionProcessor.SessionState;
import io.hooknet.hooks.impl.SessionProcessor.Step;
import io.hooknet.impl.ContextCalls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The sessions of the cluster, as one node runs them. Each session is an entry of the Hazelcast map {@value #MAP},
 * changed only by {@link SessionProcessor} steps. A session's grace period is timed by the node where its connection
 * closed; besides, every node sweeps the sessions whose entries it holds every {@value #SWEEP_MILLIS} ms: sessions
 * anchored at a node that left start their grace period, expired ones end. So a session ends even when the node that
 * timed it dies, and no session depends on a listener event that Hazelcast may have lost. Every
 * {@value #CHECK_MILLIS} ms a node also checks the sessions it has connections for: one that ended elsewhere (the
 * cluster took this node for gone), or whose entry was lost, has its connection closed, so that its client learns it
 * on resuming, as has one that a later connection resumed elsewhere (a connection whose close was never told stays
 * no longer); one the cluster took for disconnected while this node was away, with its connection still here, is
 * connected again; one that kept notices of hooks it lost while none of its connections listened (during a merge)
 * has them handed to its connection here. A callback of a session connected here that is removed without a teardown
 * has its session checked at once ({@link #callbackStopped}). Ending a session removes its registrations with one
 * clean-up on every family, which, like a node's, can run twice without telling anything twice.
 *
 * <p>Parts with a job of their own, each given what it needs rather than this class: {@link SessionClaims} (who may
 * register at which address), {@link LostNotices} (telling a session the hooks it lost), {@link OrphanSessions}
 * (sessions the cluster has as connected here without a connection here: a process that restarted under this node's
 * name) and {@link SessionReconciler} (what ended sessions still own in the families). Runs on the registry's event
 * loop; the bridges' calls ({@link #open}, {@link #detach}, {@link #claim}) are carried there and answered on the
 * caller's context.
 */
final class SessionsImpl implements Sessions {

  static final String MAP = "hooknet.sessions";
  static final long SWEEP_MILLIS = 500;
  static final long CHECK_MILLIS = 2000;
  /**
   * How long an ended session stays as a tombstone: a split healed within this time ends the session on the side
   * where it still lived, rather than bringing it back.
   */
  static final long TOMBSTONE_MINUTES = 60;
  private static final Logger LOG = Logger.getLogger(Sessions.class.getName());
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final Vertx vertx;
  private final Context context;
  private final String node;
  private final Supplier<Set<String>> members;
  private final long graceMillis;
  private final IMap<String, byte[]> sessions;
  private final SessionClaims claims;
  private final FamilyStore store;
  private final Deliveries deliveries;
  private final Ownership ownership;
  /** Asks the registry to assert again what this node and its sessions own, saying why. */
  private final Consumer<String> assertAgain;
  private final SessionReconciler reconciler;
  private final OrphanSessions orphans;
  private final LostNotices lostNotices;
  /** The sessions with a connection on this node. */
  private final Map<String, Connection> connections = new HashMap<>();
  /** Sessions this node is ending now. */
  private final Set<String> ending = new HashSet<>();
  /** Sessions whose registrations this node is withdrawing now. */
  private final Set<String> withdrawing = new HashSet<>();
  private long sweeper = -1;
  private long checker = -1;
  /** A sweep or a check still waiting for the cluster (a migration may hold reads for long): the next one waits. */
  private boolean sweeping;
  private boolean checking;
  /**
   * Sessions connected here that had no entry at the last check. One with none at two checks in a row was lost with
   * its partition (the members that held both copies left together): it has ended, as the reconcile of the families
   * takes it, and its connection is closed so that its client learns it on resuming.
   */
  private Set<String> entriesMissing = Set.of();
  /** Sessions whose client asked to close them here: their connection stays until the answer is out. */
  private final Set<String> closing = new HashSet<>();
  /**
   * While this node merges back (from Hazelcast's MERGING until its assertion after the merge is through, which may
   * take half a minute while Hazelcast merges its maps): the sessions that resumed at other nodes meanwhile. Null
   * otherwise.
   */
  private Set<String> resumedWhileMerging;
  private MessageConsumer<JsonObject> resumedElsewhere;
  /**
   * Connections closed here whose detach found no entry for their session (or no answer): during a merge the
   * session's entry may not be in the cluster yet, and come back from this side connected, with no connection
   * anywhere and no grace period to end it. Tried again at every sweep until the entry takes it or tells otherwise;
   * an entry still absent when the grace period is over was lost with its partition, and the session is ended.
   */
  private final Map<String, Detach> pendingDetaches = new HashMap<>();

  private record Detach(long attachment, long deadline, long giveUpAt, Cause cause) {
    Detach(long attachment, long deadline, long giveUpAt) {
      this(attachment, deadline, giveUpAt, Cause.CLIENT_LEFT);
    }
  }

  /** How long a detach that found no entry is tried again: longer than a merge takes to bring entries back. */
  static final long DETACH_RETRY_MILLIS = TimeUnit.MINUTES.toMillis(5);

  /**
   * Where a node tells the others that a session resumed at it ({@code {"session", "node", "attachment", "members"}},
   * the members in its view): a node it left forgets what it knew the session owns, which the new node adopted from
   * the stored registry. Kept, that copy would go stale (the session unregisters through its new node) and be
   * asserted again at the node's next merge.
   */
  static final String RESUMED = "hooknet.hooks.sessions.resumed";

  /**
   * A connection of a session here; the lost notices it was resumed with are handed out once, and the claims made
   * through it are remembered ({@link #claim}).
   */
  private static final class Connection {
    private final Session session;
    private final Runnable close;
    private final Map<String, SessionClaims.Claim> claims = new HashMap<>();
    private List<HookEvent> lost;

    Connection(Session session, Runnable close) {
      this.session = session;
      this.close = close;
      this.lost = session.lost();
    }

    Session session() {
      return session;
    }

    Runnable close() {
      return close;
    }

    List<HookEvent> takeLost() {
      List<HookEvent> taken = lost;
      lost = List.of();
      return taken;
    }
  }

  SessionsImpl(Vertx vertx, Context context, String node, HazelcastInstance hazelcast, Supplier<Set<String>> members,
      int graceSeconds, FamilyStore store, Deliveries deliveries, Ownership ownership,
      Consumer<String> assertAgain) {
    this.vertx = vertx;
    this.context = context;
    this.node = node;
    this.members = members;
    this.graceMillis = graceSeconds * 1000L;
    this.sessions = hazelcast.getMap(MAP);
    this.claims = new SessionClaims(vertx, context, store, hazelcast);
    this.lostNotices = new LostNotices(vertx, node, this::step);
    this.reconciler = new SessionReconciler(vertx, store, sessions, deliveries);
    this.orphans = new OrphanSessions(vertx, node, store, sessions,
        id -> connections.containsKey(id) || closing.contains(id), (id, attachment) -> {
          long now = System.currentTimeMillis();
          tryDetach(id, new Detach(attachment, now + graceMillis, now + DETACH_RETRY_MILLIS, Cause.NODE_LEFT));
        });
    this.store = store;
    this.deliveries = deliveries;
    this.ownership = ownership;
    this.assertAgain = assertAgain;
  }

  void start() {
    sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    checker = vertx.setPeriodic(CHECK_MILLIS, id -> checkConnections());
    reconciler.start();
    orphans.start();
    resumedElsewhere = vertx.eventBus().consumer(RESUMED, message -> {
      String session = message.body().getString("session");
      Connection here = connections.get(session);
      boolean resumedHereSince = here != null
          && here.session().attachment() > message.body().getLong("attachment", Long.MAX_VALUE);
      // Sent from the other side of a split (the event bus holds it until the heal): this node's copy may hold what
      // the session registered here meanwhile, which its merge asserts or withdraws.
      boolean fromAnotherSide = !message.body().getJsonArray("members", new JsonArray()).contains(node);
      if (!node.equals(message.body().getString("node")) && !resumedHereSince && !fromAnotherSide) {
        if (resumedWhileMerging != null) {
          // This node is merging back: what the session registered here on its side of the split may be in no
          // family the cluster kept, and its new node adopted only what is stored. It is asserted first.
          resumedWhileMerging.add(session);
        } else {
          ownership.forget(OwnerOps.ofSession(session));
        }
      }
    });
  }

  /** Hazelcast started merging this node back into the cluster: see {@link #merged}. */
  void merging() {
    if (resumedWhileMerging == null) {
      resumedWhileMerging = new HashSet<>();
    }
  }

  /** Whether this node is merging back: from Hazelcast's MERGING until its merge is asserted ({@link #merged}). */
  private boolean mergingBack() {
    return resumedWhileMerging != null;
  }

  /**
   * This node's merge is over and what it and the sessions it knew own is asserted again (or the merge failed):
   * what it knew of the sessions that resumed at other nodes meanwhile is forgotten now.
   */
  void merged() {
    if (resumedWhileMerging != null) {
      resumedWhileMerging.forEach(session -> ownership.forget(OwnerOps.ofSession(session)));
      resumedWhileMerging = null;
    }
  }

  void stop() {
    vertx.cancelTimer(sweeper);
    vertx.cancelTimer(checker);
    reconciler.stop();
    orphans.stop();
    resumedElsewhere.unregister();
  }

  @Override
  public Future<Session> open(String proposed, Runnable close) {
    Runnable closeThere = ContextCalls.onCallersContext(close);
    return ContextCalls.call(context, () -> openHere(proposed, closeThere));
  }

  private Future<Session> openHere(String proposed, Runnable close) {
    Future<Step> resume = proposed != null && ID.matcher(proposed).matches()
        ? step(proposed, SessionProcessor.attach(node, System.currentTimeMillis()))
        : Future.succeededFuture(new Step(false, null));
    return resume.compose(step -> step.applied()
        ? Future.succeededFuture(new Session(proposed, step.state().attachment(), true, step.state().lost()))
        : create()).compose(session -> {
          Connection previous = connections.put(session.id(), new Connection(session, close));
          Future<Void> adopted = Future.succeededFuture();
          if (session.resumed()) {
            // The callbacks of a resumed session restart when its client resumes each of them, with what it missed.
            deliveries.sequencer().suspend(session.id());
            adopted = adopt(session.id());
            vertx.eventBus().publish(RESUMED, new JsonObject().put("session", session.id()).put("node", node)
                .put("attachment", session.attachment()).put("members", new JsonArray(List.copyOf(members.get()))));
          }
          if (previous != null) {
            previous.close().run();
          }
          return adopted.map(session);
        });
  }

  private Future<Session> create() {
    String id = UUID.randomUUID().toString();
    return step(id, SessionProcessor.create(node)).compose(step -> step.applied()
        ? Future.succeededFuture(new Session(id, 1, false))
        : Future.failedFuture(HooknetException.of(Errno.EAGAIN, "session id %s is taken; try again", id)));
  }

  /**
   * Takes over the session's registrations, so that this node asserts them after a merge. The session is opened
   * once this is done, before its client's first command is taken: an unregistration made while the stored
   * registry was being read would otherwise be undone by the read, and the hook asserted again later. A read that
   * takes longer than the command timeout (Hazelcast migrating partitions) does not hold the client back: the
   * session opens, and the read is taken over when it comes.
   */
  private Future<Void> adopt(String session) {
    Future<List<FamilyState>> read = vertx.executeBlocking(() -> List.copyOf(store.map().values()), false)
        .onSuccess(families -> families.forEach(family -> ownership.adopt(family, session, node)))
        .onFailure(failure -> LOG.warning(() -> "could not read what session " + session + " owns: " + failure));
    return store.within(read, "read what session " + session + " owns").<Void>mapEmpty().otherwise(failure -> {
      LOG.warning(() -> "session " + session + " opens before what it owns was read: " + failure.getMessage());
      return null;
    });
  }

  @Override
  public void lost(String session, HookEvent event) {
    lostNotices.tell(session, event);
  }

  @Override
  public void detach(Session session) {
    ContextCalls.run(context, () -> detachHere(session));
  }

  private void detachHere(Session session) {
    Connection connection = connections.get(session.id());
    if (connection == null || connection.session().attachment() != session.attachment()) {
      return;
    }
    connections.remove(session.id());
    deliveries.sequencer().suspend(session.id());
    long now = System.currentTimeMillis();
    tryDetach(session.id(), new Detach(session.attachment(), now + graceMillis, now + DETACH_RETRY_MILLIS));
  }

  private void tryDetach(String session, Detach detach) {
    long view = store.view();
    SessionProcessor detached = SessionProcessor.detach(detach.attachment(), detach.deadline(), detach.cause());
    step(session, detached).onComplete(done -> {
      Connection here = connections.get(session);
      long now = System.currentTimeMillis();
      if (done.succeeded() && done.result().applied()) {
        pendingDetaches.remove(session);
        vertx.setTimer(Math.max(1, detach.deadline() - now), id -> expire(session));
      } else if (done.succeeded() && done.result().state() == null && here == null && now >= detach.deadline()) {
        // Still no entry when the grace period is over: it was lost with the partition that held it, and nothing
        // else will ever end the session. Its registrations go as if its grace period had run out.
        pendingDetaches.remove(session);
        LOG.warning(() -> "session " + session + " has no entry in the cluster " + (now - detach.deadline()
            + graceMillis) / 1000 + " s after its connection closed here; ending it");
        end(session, detach.cause(), view);
      } else if ((done.failed() || done.result().state() == null) && here == null
          && now < detach.giveUpAt()) {
        pendingDetaches.put(session, detach);
      } else {
        pendingDetaches.remove(session);
      }
    });
  }

  @Override
  public Future<Void> claim(Session session, String address) {
    return ContextCalls.call(context, () -> claims.claim(session.id(), address, madeHere(session.id())));
  }

  /** Checks that {@code owner} may register at {@code address} ({@link SessionClaims#check}). */
  Future<Void> check(Owner owner, String address) {
    return claims.check(owner, address, owner.sessionOwned() ? madeHere(owner.session()) : null);
  }

  /** The claims made through the connection here of {@code session}; null when it has none here. */
  private Map<String, SessionClaims.Claim> madeHere(String session) {
    Connection connection = connections.get(session);
    return connection == null ? null : connection.claims;
  }

  /**
   * A registration of {@code owner} in {@code family} was just applied. When {@code owner} is a session that has
   * ended meanwhile, its clean-up may have passed the family before the registration came (a change held up by a
   * paused member, say), and nothing would ever remove it: the family is cleaned up after the session again, and
   * the registration is refused with ESRCH. A session without an entry that still has a connection here is alive
   * (a merge kept the other side's sessions, and its entry is recreated when this node reattaches).
   */
  Future<Void> settle(Owner owner, String family) {
    if (!owner.sessionOwned()) {
      return Future.succeededFuture();
    }
    String session = owner.session();
    return store.within(FamilyStore.onContext(sessions.getAsync(session), context), "session " + session)
        .compose(bytes -> {
          SessionState state = bytes == null ? null : Mapping.fromCborBytes(bytes, SessionState.class);
          if (state != null ? !state.ending() : connections.containsKey(session)) {
            return Future.succeededFuture();
          }
          Cause cause = state == null || state.cause() == null ? Cause.CLIENT_LEFT : state.cause();
          return store.change(family, FamilyProcessor.sessionEnded(session, cause, store.changeContext()))
              .compose(result -> {
                deliveries.apply(result);
                return Future.failedFuture(HooknetException.of(Errno.ESRCH,
                    "session %s ended while its registration in family %s was being made; it is withdrawn",
                    session, family));
              });
        });
  }

  /** The answer to {@code session}, with the lost notices kept for this resume (given once). */
  Future<SessionInfo> info(String session) {
    Connection connection = connections.get(session);
    if (connection != null) {
      List<HookEvent> lost = connection.takeLost();
      return Future.succeededFuture(new SessionInfo(session, node, connection.session().resumed(),
          graceMillis / 1000, lost));
    }
    return Future.failedFuture(HooknetException.of(Errno.ESRCH, "session %s has no connection on node %s",
        session, node));
  }

  /** Ends {@code session} now, as its client asked; its connection here is closed once the answer is out. */
  Future<Void> close(String session) {
    closing.add(session);
    // The client's own decision holds in whatever view the clean-up is made.
    return step(session, SessionProcessor.end()).compose(step -> step.applied()
        ? end(session, Cause.CLIENT_LEFT, store.view())
        : Future.failedFuture(HooknetException.of(Errno.ESRCH, "session %s has already ended", session)))
        .onSuccess(done -> {
          Connection connection = connections.remove(session);
          if (connection != null) {
            context.runOnContext(v -> connection.close().run());
          }
        }).onComplete(done -> closing.remove(session));
  }

  /**
   * After a merge or a join: every session with a connection here is connected again, or, when it has ended, closed.
   * A session its client is closing here is left to {@link #close}: its connection stays until the answer is out.
   */
  Future<List<String>> reattach() {
    List<Future<String>> steps = new ArrayList<>();
    for (Connection connection : new ArrayList<>(connections.values())) {
      String id = connection.session().id();
      if (closing.contains(id)) {
        continue;
      }
      steps.add(step(id, SessionProcessor.reattach(node, connection.session().attachment())).map(step -> {
        if (step.applied()) {
          return id;
        }
        boolean ending = step.state() == null || step.state().ending();
        Connection now = connections.get(id);
        if (now != connection) {
          // The session's client came back here on a new connection while the merge asked (this one had closed):
          // that resume took the session, and the new connection is the session's, not to be closed here.
          return now == null || ending ? null : id;
        }
        closeEnded(id, connection, ending ? "ended while this node was split off"
            : "was resumed by a later connection while this node was split off");
        return null;
      }));
    }
    return Future.join(steps).transform(done -> {
      List<String> live = new ArrayList<>();
      steps.stream().filter(Future::succeeded).map(Future::result).filter(id -> id != null).forEach(live::add);
      return Future.succeededFuture(live);
    });
  }

  /**
   * After a merge: of sessions {@code ids}, those that exist in the cluster and are not ending (connected anywhere,
   * or within their grace period). Those whose entry says they are connected here, though this node has no
   * connection for them (it closed during the merge, before the entry was back in the cluster), are detached now,
   * so that their grace period runs and ends them.
   */
  Future<Set<String>> aliveAfterMerge(Set<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return store.within(vertx.executeBlocking(() -> sessions.getAll(ids), false), "sessions").map(found -> {
      long now = System.currentTimeMillis();
      Set<String> alive = new HashSet<>();
      found.values().forEach(bytes -> {
        SessionState state = Mapping.fromCborBytes(bytes, SessionState.class);
        if (state.connected() && node.equals(state.node()) && !connections.containsKey(state.id())) {
          LOG.info(() -> "session " + state.id() + " has no connection here after the merge; its grace period runs");
          tryDetach(state.id(), new Detach(state.attachment(), now + graceMillis, now + DETACH_RETRY_MILLIS));
        }
        if (!state.ending()) {
          alive.add(state.id());
        }
      });
      return alive;
    });
  }

  private void expire(String session) {
    if (mergingBack()) {
      // Left to the sweep after the merge (see sweep).
      return;
    }
    long view = store.view();
    step(session, SessionProcessor.expire(System.currentTimeMillis())).onSuccess(step -> {
      if (step.applied()) {
        end(session, step.state().cause(), view);
      }
    });
  }

  /**
   * Removes an ending session's registrations and its claims, then leaves it as a tombstone. {@code view} is the
   * cluster view in which the session was found ending: a family's owner that sees another view by the time the
   * clean-up reaches it refuses it ({@code EAGAIN}; a merge may have the session connected on the other side), and
   * the next sweep reads the session again.
   */
  private Future<Void> end(String session, Cause cause, long view) {
    if (!ending.add(session)) {
      return Future.succeededFuture();
    }
    return withdraw(session, cause, view)
        .compose(withdrawn -> store.changeAll(FamilyProcessor.sessionEnded(session, cause,
            store.changeContext(view))))
        .compose(results -> {
          results.forEach(deliveries::apply);
          for (Result result : results) {
            if (result.errno() != 0) {
              return Future.failedFuture(result.failure());
            }
          }
          return claims.release(session);
        })
        .compose(released -> cleanedUp(session, cause))
        .onSuccess(done -> {
          ownership.forget(OwnerOps.ofSession(session));
          LOG.info(() -> "session " + session + " ended (" + cause + ")");
        })
        .onFailure(failure -> LOG.warning(() -> "ending session " + session + " failed, to be retried: " + failure))
        .onComplete(done -> ending.remove(session));
  }

  /**
   * The registrations of ending session {@code session} are gone: it stays as a tombstone for a while. When it is no
   * longer ending, a merge brought back the side where it stayed connected (its client with its node, which the
   * other side took for gone) while its clean-up ran: what it owned is gone all the same, and nothing would tell its
   * client. It ends for good, and its connection, wherever it is, is closed at that node's next check, so that its
   * client learns it on resuming; what it registers meanwhile goes with the reconcile of the families.
   */
  Future<Void> cleanedUp(String session, Cause cause) {
    return step(session, SessionProcessor.cleaned()).compose(step -> {
      if (step.applied() || step.state() == null || step.state().ending()) {
        return Future.succeededFuture(step);
      }
      LOG.warning(() -> "session " + session + " was brought back by a merge while its registrations were being "
          + "removed; it ends (" + cause + ")");
      return step(session, SessionProcessor.end(cause)).compose(ended -> step(session, SessionProcessor.cleaned()));
    }).compose(step -> store.within(vertx.executeBlocking(
        () -> sessions.setTtl(session, TOMBSTONE_MINUTES, TimeUnit.MINUTES), false), "session " + session))
        .mapEmpty();
  }

  /**
   * Removes, family by family, what this node knows {@code session} registered through it, putting back first what
   * the stored registry lacks: after a merge the cluster may have kept the other side's families, where the
   * session's clean-up finds nothing to tell. What is withdrawn is forgotten, so each registration goes once.
   */
  Future<Void> withdraw(String session, Cause cause) {
    return withdraw(session, cause, store.view());
  }

  private Future<Void> withdraw(String session, Cause cause, long view) {
    if (!withdrawing.add(session)) {
      return Future.succeededFuture();
    }
    Map<String, List<OwnerOps.Owned>> byFamily = new HashMap<>();
    ownership.of(OwnerOps.ofSession(session)).forEach(owned -> byFamily
        .computeIfAbsent(owned.command().family(), family -> new ArrayList<>()).add(owned));
    List<Future<Void>> families = new ArrayList<>();
    byFamily.forEach((family, owned) -> families.add(store.change(family,
        FamilyProcessor.withdraw(owned, session, cause, store.changeContext(view))).map(result -> {
          deliveries.apply(result);
          owned.forEach(registration -> ownership.lost(
              ((HookCommand.Registers) registration.command()).registration(), registration.owner()));
          return null;
        })));
    return Future.all(families).<Void>mapEmpty().onComplete(done -> withdrawing.remove(session));
  }

  /**
   * Starts the grace period of sessions whose node left, and ends the sessions whose grace period is over. Not while
   * this node merges back: the entries it holds are in flux then, the other side's copy of a session (ended there
   * for this node's absence) giving way to this side's, where its client stayed connected. A clean-up started on the
   * passing copy would remove what a session that goes on owns, and this node would forget it; the sessions are
   * swept once the merge is asserted.
   */
  private void sweep() {
    if (mergingBack()) {
      return;
    }
    Map<String, Detach> due = new HashMap<>(pendingDetaches);
    pendingDetaches.clear();
    due.forEach(this::tryDetach);
    if (sweeping) {
      return;
    }
    sweeping = true;
    long view = store.view();
    vertx.executeBlocking(() -> sessions.getAll(sessions.localKeySet()), false).onComplete(done -> sweeping = false)
        .onSuccess(entries -> {
          long now = System.currentTimeMillis();
          Set<String> live = members.get();
          for (byte[] bytes : entries.values()) {
            SessionState state = Mapping.fromCborBytes(bytes, SessionState.class);
            if (state.ending() && !state.cleaned()) {
              end(state.id(), state.cause(), view);
            } else if (state.connected() && !live.contains(state.node())) {
              step(state.id(), SessionProcessor.nodeGone(state.node(), now + graceMillis));
            } else if (!state.connected() && now >= state.deadline()) {
              expire(state.id());
            }
          }
        });
  }

  /** See the class comment: the sessions connected here, as the cluster has them. */
  private void checkConnections() {
    if (connections.isEmpty() || checking) {
      return;
    }
    checking = true;
    Set<String> ids = new HashSet<>(connections.keySet());
    store.within(vertx.executeBlocking(() -> sessions.getAll(ids), false), "sessions connected here")
        .onComplete(done -> checking = false)
        .onSuccess(found -> {
          Set<String> missing = new HashSet<>(ids);
          missing.removeAll(found.keySet());
          for (String id : missing) {
            Connection connection = connections.get(id);
            if (entriesMissing.contains(id) && connection != null && !closing.contains(id)) {
              closeEnded(id, connection, "has no entry in the cluster (lost with its partition): it has ended");
            }
          }
          entriesMissing = missing;
          found.forEach((id, bytes) -> checkConnection(id, bytes, false));
        });
  }

  /** Closes the connection here of a session the cluster has ended, so that its client learns it on resuming. */
  private void closeEnded(String id, Connection connection, String why) {
    LOG.info(() -> "session " + id + " " + why + "; closing its connection");
    connections.remove(id, connection);
    connection.close().run();
  }

  /**
   * A callback of session {@code session} was removed without a teardown, as when the session ends or moves. When
   * its client is connected here, the session is checked now rather than at the next periodic check: the cluster
   * ended it (a node that took this one for gone let its grace period run out), and its connection is closed so that
   * its client learns it on resuming; or it is still connected here, and the removal was made on a view the cluster
   * did not keep: what the session owns is asserted again, which puts the callback back and re-synchronises it.
   */
  void callbackStopped(String session) {
    if (!connections.containsKey(session) || closing.contains(session)) {
      return;
    }
    store.within(vertx.executeBlocking(() -> sessions.get(session), false), "session " + session)
        .onSuccess(bytes -> checkConnection(session, bytes, true));
  }

  /**
   * Session {@code id}, connected here, as the cluster has it ({@code bytes}; null: it has no entry, which the
   * periodic check handles). An ending session's connection is closed whatever connection the entry last knew: an
   * ending session is never resumed, and a merge may keep the attachment of the side that ended it.
   */
  private void checkConnection(String id, byte[] bytes, boolean callbackStopped) {
    Connection connection = connections.get(id);
    if (connection == null || closing.contains(id)) {
      return;
    }
    if (bytes == null) {
      return;
    }
    long attachment = connection.session().attachment();
    SessionState state = Mapping.fromCborBytes(bytes, SessionState.class);
    if (state.ending()) {
      closeEnded(id, connection, "ended while its client was connected here (" + state.cause() + ")");
      return;
    }
    if (state.attachment() > attachment) {
      // The client left this connection for a later one, elsewhere; this one may never have told its close (or
      // the client kept it open): kept, it would take the session back at this node's next merge.
      closeEnded(id, connection, "was resumed by a later connection (" + state.attachment() + " at "
          + state.node() + ") than this one (" + attachment + ")");
      return;
    }
    if (state.attachment() != attachment) {
      return;
    }
    if (state.connected() && node.equals(state.node())) {
      if (!state.lost().isEmpty()) {
        lostNotices.handOver(id, attachment);
      }
      if (callbackStopped) {
        LOG.info(() -> "a callback of session " + id + " was removed while the session is connected here; what it "
            + "owns is asserted again");
        assertAgain.accept("a callback of session " + id + ", connected here, was removed");
      }
    } else if (!state.connected() && node.equals(state.node())) {
      step(id, SessionProcessor.reattach(node, attachment)).onSuccess(step -> {
        if (step.applied()) {
          LOG.info(() -> "session " + id + " is connected here again (this node was taken for gone)");
          if (callbackStopped) {
            assertAgain.accept("session " + id + ", connected here, was taken for disconnected");
          }
        }
      });
    }
  }

  private Future<Step> step(String session, SessionProcessor processor) {
    return store.within(FamilyStore.onContext(sessions.submitToKey(session, processor), context),
        "session " + session).map(bytes -> Mapping.fromCborBytes(bytes, Step.class));
  }
}
