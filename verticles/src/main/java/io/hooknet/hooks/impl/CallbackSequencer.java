package io.hooknet.hooks.impl;

import io.hooknet.codec.ChangeId;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.hooks.impl.Effects.CallbackKey;
import io.hooknet.metrics.HooknetMeters;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Puts the notices for the callbacks this node delivers back in {@code seq} order. Changes to one event are made
 * one at a time cluster-wide, but the nodes that made them send their notices independently, so two may arrive
 * swapped. Each callback gets its replay first and then every later change exactly once, in order.
 *
 * <p>A live notice that comes before its callback's stream has started waits for it; if no start comes within
 * {@code gapMillis} (the callback went, or is delivered elsewhere now) it is put aside, and a start that comes later
 * after all still takes it. A gap that stays open for {@code gapMillis} (its sender died between the change and the
 * send) is not skipped: the {@link Filler} is asked for the missing changes from the event's history, or a replay
 * marked RESYNC, so a callback never misses a change silently. A notice that does not continue what the stream was
 * given (it follows a change of another epoch than the stream's last, or numbers a seq given already under another
 * epoch) was made in another lineage of the family: a merge, or a member's partition lost and restored, replaced the
 * family without this node taking part. It is not delivered; the {@link Filler} is asked at once, and brings the
 * stream over to the family as it is. Each stream ({@link CallbackStream}) keeps the view its callback was given, so
 * that after a merge the callback can be told which hooks it knew are gone. A callback's teardown comes after the
 * changes numbered before it (it waits up to {@code gapMillis} for them) and after the removal of any hook the
 * callback holds that it lacks; nothing comes after it, not even a fill or replay made before it. A session's
 * streams stop when its client goes, and each starts again only with the client's resume of it. Runs on one event
 * loop.
 */
final class CallbackSequencer {

  /** Brings a stream whose next change is missing up to date, after the last change it was given. */
  interface Filler {
    void fill(CallbackKey key, String session, ChangeId last);
  }

  private final Vertx vertx;
  private final long gapMillis;
  private final BiConsumer<CallbackKey, HookEvent> deliver;
  private final Filler filler;
  /** Read by the meters from other threads too. */
  private final Map<CallbackKey, CallbackStream> streams = new ConcurrentHashMap<>();
  private final Set<String> meteredEvents = new HashSet<>();

  /** Where the latest streams stopped, so that a gap fill answered before a teardown gives nothing after it. */
  private final Map<CallbackKey, ChangeId> stopped = BoundedMaps.latestUsed(STOPPED);
  private static final int STOPPED = 4096;

  /**
   * What the latest streams stopped without a teardown held (the other side of a split removed their callback with
   * the node it took for gone; a fill found the callback gone): the teardown or replay that may still come for the
   * callback tells which of those hooks are gone.
   */
  private final Map<CallbackKey, Map<String, HookEvent>> silenced = BoundedMaps.latestUsed(STOPPED);

  /**
   * The changes last given to the latest streams stopped without a teardown: a start that brings the callback back
   * here does not give one of them again (a fill this node's re-assertion asked before the stop, answered from a
   * copy of the family that still has the callback, holds changes that came live meanwhile).
   */
  private final Map<CallbackKey, ArrayDeque<ChangeId>> quieted = BoundedMaps.latestUsed(STOPPED);

  /**
   * The callbacks whose streams stopped with their session's client ({@link #suspend}): each starts again only when
   * the client resumes it here (a {@link #start} from its register or resume). A fill answered or a
   * re-synchronisation made meanwhile would be given to no one listening, and the stream would count it as given:
   * the client's resume, from the last change it saw, would then find nothing to give.
   */
  private final Map<CallbackKey, Boolean> suspended = BoundedMaps.latestUsed(STOPPED);

  /**
   * Live changes that waited for their callback's stream to start here longer than {@code gapMillis}, with when
   * they were put aside: a start that comes after all (its answer held up by a merge or a slow member, while the
   * changes after it came) takes those after its change, or the stream would wait for them in silence until some
   * later change showed the gap.
   */
  private final Map<CallbackKey, Early> early = BoundedMaps.latestUsed(STOPPED);

  /** How long changes put aside before their stream started are kept for it. */
  private static final long EARLY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

  private record Early(TreeMap<Long, CallbackStream.Pending> waiting, long since) {
  }

  CallbackSequencer(Vertx vertx, long gapMillis, BiConsumer<CallbackKey, HookEvent> deliver, Filler filler) {
    this.vertx = vertx;
    this.gapMillis = gapMillis;
    this.deliver = deliver;
    this.filler = filler;
  }

  /**
   * A callback's stream starts (or restarts) as of change {@code at}: {@code events} (a replay, or the changes it
   * missed) go out now, then the notices after {@code at}.
   */
  void start(CallbackKey key, String session, ChangeId at, List<HookEvent> events) {
    start(key, session, at, events, List.of());
  }

  /**
   * As above, for a callback resumed with the changes it missed, which then holds {@code held}: a stream new on this
   * node (its callback was delivered elsewhere before) takes it as its view.
   */
  void start(CallbackKey key, String session, ChangeId at, List<HookEvent> events, List<HookEvent> held) {
    suspended.remove(key);
    ChangeId stop = stopped.get(key);
    if (stop != null && stop.epoch() == at.epoch() && at.seq() < stop.seq()) {
      // Made before the callback's teardown, which went out since: a registration is numbered after it.
      return;
    }
    stopped.remove(key);
    startStream(key, session, at, events, held);
  }

  private void startStream(CallbackKey key, String session, ChangeId at, List<HookEvent> events,
      List<HookEvent> held) {
    CallbackStream stopping = streams.get(key);
    if (stopping != null && stopping.stopping != null) {
      finishStop(key, stopping);
    }
    CallbackStream old = streams.get(key);
    if (old != null && old.next >= 0 && old.stopping == null && old.givenAfter(at)
        && events.stream().anyMatch(CallbackStream::replacesView)) {
      // A chain as of a change before others of its lineage that the stream has given since: an answer that came
      // late, or twice (its sender retried a delivery it took for lost). Giving it would take the callback back. The
      // stream asks from where it is instead, unless it has asked already: a copy of the family that lost those
      // changes numbers on after them under a new epoch and answers from there.
      if (!old.filling) {
        cancelTimer(old);
        fill(key, old);
      }
      return;
    }
    ArrayDeque<ChangeId> quiet = quieted.remove(key);
    if (old != null && old.next >= 0 && at.seq() < old.next
        && (at.epoch() == old.epoch || at.equals(old.from) || old.recent.contains(at))
        && events.stream().noneMatch(CallbackStream::replacesView)) {
      // The changes up to one the stream has given already (in its epoch, or one it started at or remembers
      // giving, when the numbering went on under a new epoch since): the answer to a fill asked again after the
      // first had no answer in time, when both came, to one overtaken by late notices, or a start that reached this
      // node late (it was sent again while a merge held it up). All of it was given but the end of a fill, when it
      // is the stream's latest; restarting from it would give the later changes again.
      old.filling = false;
      events.stream().filter(event -> event.cmd() == Cmd.HN_SYNCED && event.seq() >= old.next - 1)
          .forEach(event -> deliver.accept(key, event));
      drain(key, old);
      return;
    }
    if (old != null && old.next >= 0 && old.stopping == null
        && events.stream().noneMatch(CallbackStream::replacesView)
        && (at.seq() < old.next || events.stream().anyMatch(event -> event.cmd() != Cmd.HN_SYNCED
            && event.seq() < old.next && !old.recent.contains(event.change())))) {
      // Changes of another lineage (a copy of the family cut off from the cluster, which took the same command
      // apart) numbered at or below what the stream has given in its own: giving them would give a seq twice. The
      // stream asks again from where it is; a copy without its latest change answers with the whole chain.
      cancelTimer(old);
      fill(key, old);
      return;
    }
    long delivered = old == null ? -1 : old.next;
    if (quiet != null && delivered < 0) {
      // The stream a stop without a teardown ended was given some of these changes (each names one change).
      events = events.stream().filter(event -> event.replay() || event.cmd() == Cmd.HN_SYNCED
          || !quiet.contains(event.change())).toList();
    }
    CallbackStream stream = restart(key, session, at);
    if (events.stream().anyMatch(CallbackStream::replacesView)) {
      List<HookEvent> told = new ArrayList<>(stream.gone(events, at));
      told.addAll(events);
      events = told;
      stream.view.clear();
    } else if (delivered >= 0) {
      // Changes a gap fill asked for that came live meanwhile (their sender was only late; all of them, or the
      // first few) are not given again: below the stream's next change, the answer has only changes it gave (the
      // branch above took any other).
      events = events.stream().filter(event -> event.cmd() == Cmd.HN_SYNCED || event.seq() >= delivered).toList();
    }
    for (HookEvent event : events) {
      stream.track(event);
      deliver.accept(key, event);
    }
    if (delivered < 0 && !held.isEmpty() && events.stream().noneMatch(CallbackStream::replacesView)) {
      // New here: what the callback was told before reached it from another node, and this one knows it from the
      // family as of the change the stream goes on after.
      stream.view.clear();
      held.forEach(event -> stream.view.put(CallbackStream.name(event), event));
    }
    drain(key, stream);
  }

  /**
   * The answer to a gap fill of {@code key}'s stream, given as {@link #start} does, unless it was made before the
   * callback's teardown: the answer travels back to this node apart from the teardown and may come after it, and
   * the callback is owed nothing after its teardown.
   */
  void filled(CallbackKey key, String session, ChangeId at, List<HookEvent> events, List<HookEvent> held) {
    ChangeId stop = stopped.get(key);
    CallbackStream stream = streams.get(key);
    if (suspended.containsKey(key) || answeredBefore(at, stop)
        || stream != null && answeredBefore(at, stream.stopping)) {
      return;
    }
    if (stream != null && stream.next >= 0 && stream.stopping == null && !stream.filling
        && events.stream().noneMatch(CallbackStream::replacesView) && !stream.continues(events)) {
      // The stream was started again since it asked (a resync, a merge's replay): the changes answered follow
      // where it was then, not what it has given since. It asks again from where it is, should the family be
      // further on.
      if (!at.equals(new ChangeId(stream.epoch, stream.next - 1)) && at.seq() >= stream.next - 1) {
        cancelTimer(stream);
        fill(key, stream);
      }
      return;
    }
    // An answer of another lineage than the teardown's (a merge kept the family in which the callback is still
    // there) brings the stream over as any start does.
    startStream(key, session, at, events, held);
  }


  /**
   * Whether a fill answered as of {@code at} was made before the teardown at {@code stop}: in one lineage a
   * callback is only resumed while it is registered, so the answer comes from before its unregistration.
   */
  private static boolean answeredBefore(ChangeId at, ChangeId stop) {
    return stop != null && stop.epoch() == at.epoch() && at.seq() <= stop.seq();
  }


  /**
   * After a merge: the callback gets {@code replay} (the merged chain), told first which hooks it knew are gone
   * (see {@link #start}), then the notices after {@code at}. Notices that were waiting belong to the history before
   * the merge and are dropped.
   */
  void resync(CallbackKey key, String session, ChangeId at, List<HookEvent> replay) {
    if (suspended.containsKey(key)) {
      // Its client is away: its resume, from the last change it saw, brings it over to the family as it is.
      return;
    }
    CallbackStream old = streams.get(key);
    if (session != null && (old == null || old.next < 0) && !stopped.containsKey(key) && !silenced.containsKey(key)) {
      // A callback of a session that this node never delivered to: its client has not resumed it here yet (its
      // resume may be on its way). A replay now could go out before the client listens here, and the stream would
      // then take the changes its resume asks for as given. The resume, from the last change it saw, brings it
      // over to the family as it is.
      suspended.put(key, Boolean.TRUE);
      return;
    }
    // A merge that put the callback back (its removal on the other side was provisional) resyncs it at the seq its
    // removal was told at: only one numbered before a teardown of its lineage gives nothing (see start).
    if (old != null && old.stopping == null && old.next >= 0 && at.epoch() == old.epoch && at.seq() < old.next) {
      // Made before changes of its own lineage the stream has had since (their notices overtook it): in one lineage
      // a seq stands for one change, so the stream already holds the chain it would give, and more.
      return;
    }
    if (old != null) {
      old.waiting.clear();
    }
    start(key, session, at, replay, List.of());
  }




  /**
   * A callback was unregistered as of change {@code at}: its teardown goes out and nothing more. Changes before the
   * teardown that have not reached the stream yet (their sender tells them apart from the unregistration, and may
   * be later) go out first, so that the callback is told of every change it was registered for: the teardown waits
   * for them, for {@code gapMillis} at most. With {@code at} null the teardown goes out at once.
   */
  void stop(CallbackKey key, ChangeId at, List<HookEvent> teardown) {
    suspended.remove(key);
    early.remove(key);
    if (at != null) {
      stopped.put(key, at);
    }
    CallbackStream stream = streams.get(key);
    if (stream != null && stream.next >= 0 && at != null && at.seq() >= stream.next && stream.stopping == null) {
      stream.stopping = at;
      stream.teardown = teardown;
      stream.filling = false;
      drain(key, stream);
      if (streams.get(key) == stream) {
        cancelTimer(stream);
        stream.timer = vertx.setTimer(gapMillis, timer -> {
          stream.timer = -1;
          finishStop(key, stream);
        });
      }
      return;
    }
    if (stream != null && stream.stopping != null) {
      // Stopped again while its teardown waited: the one waiting goes first, and the stream holds nothing after.
      finishStop(key, stream);
      tearDown(key, null, at, teardown);
      return;
    }
    if (stream != null) {
      streams.remove(key);
      cancelTimer(stream);
    }
    tearDown(key, stream, at, teardown);
  }

  /**
   * Runs {@code then} once {@code key}'s stream, stopped, has given its teardown: at once, unless the teardown
   * still waits for the changes before it ({@link #stop}).
   */
  void afterTeardown(CallbackKey key, Runnable then) {
    CallbackStream stream = streams.get(key);
    if (stream != null && stream.stopping != null) {
      stream.afterTeardown.add(then);
    } else {
      then.run();
    }
  }

  /** The changes before a teardown came (or did not in time): the teardown goes out, and the stream ends. */
  private void finishStop(CallbackKey key, CallbackStream stream) {
    if (streams.get(key) != stream) {
      return;
    }
    streams.remove(key);
    cancelTimer(stream);
    tearDown(key, stream, stream.stopping, stream.teardown);
    stream.afterTeardown.forEach(Runnable::run);
  }

  /**
   * Gives a callback's own teardown. Hooks the callback was told are there that the teardown lacks went with
   * changes that never reached it (their sender died, or they were of another lineage than the teardown's): each
   * is told gone first, as {@code MERGE_CONFLICT}, as before a replay marked RESYNC, so that its removal is not
   * missed. A stop without teardown (the callback went with its owner, or another took its address) tells nothing;
   * what the stream held is kept for a teardown or re-synchronisation of the callback that may still come.
   */
  private void tearDown(CallbackKey key, CallbackStream stream, ChangeId at, List<HookEvent> teardown) {
    if (teardown.isEmpty()) {
      if (stream != null && !stream.view.isEmpty()) {
        silenced.put(key, new LinkedHashMap<>(stream.view));
      }
      if (stream != null && stream.next >= 0) {
        quieted.put(key, stream.recent);
      }
      return;
    }
    quieted.remove(key);
    Map<String, HookEvent> held = silenced.remove(key);
    if (stream != null && (stream.next >= 0 || held == null)) {
      // (A stream not started yet holds notices that came after a silent stop, and no view.)
      held = stream.view;
    }
    if (held != null && at != null) {
      CallbackStream.notIn(held, teardown, at).forEach(event -> deliver.accept(key, event));
    }
    teardown.forEach(event -> deliver.accept(key, event));
  }

  /**
   * The streams this node delivers that a re-assertion may bring up to date, by family, each with the last change
   * it was given: those started, not stopping and not waiting for a fill's answer already.
   */
  Map<String, List<OwnerOps.Given>> given() {
    Map<String, List<OwnerOps.Given>> given = new LinkedHashMap<>();
    streams.forEach((key, stream) -> {
      if (stream.next >= 0 && stream.stopping == null && !stream.filling) {
        given.computeIfAbsent(key.family(), family -> new ArrayList<>())
            .add(new OwnerOps.Given(key.event(), key.address(), new ChangeId(stream.epoch, stream.next - 1)));
      }
    });
    return given;
  }

  /** Whether this node has a stream for the callback {@code key} (started, waiting to start, or stopping). */
  boolean streaming(CallbackKey key) {
    return streams.containsKey(key);
  }

  /**
   * The client of session {@code session} went (or resumed its session here): its streams here stop until it
   * resumes each of them, and what each held is kept for a re-synchronisation of its resume, which tells which of
   * those hooks are gone.
   */
  void suspend(String session) {
    streams.entrySet().removeIf(entry -> {
      CallbackStream stream = entry.getValue();
      if (!session.equals(stream.session)) {
        return false;
      }
      cancelTimer(stream);
      if (stream.stopping == null) {
        suspended.put(entry.getKey(), Boolean.TRUE);
        if (!stream.view.isEmpty()) {
          silenced.put(entry.getKey(), new LinkedHashMap<>(stream.view));
        }
      }
      return true;
    });
  }

  /**
   * A live change for a callback of this node; {@code previousEpoch} is the epoch of the change before it in the
   * lineage it was made in.
   */
  void live(CallbackKey key, HookEvent event, long previousEpoch) {
    CallbackStream stream = streams.get(key);
    if (stream == null) {
      stream = new CallbackStream(null);
      streams.put(key, stream);
      CallbackStream pending = stream;
      pending.timer = vertx.setTimer(gapMillis, timer -> dropPending(key, pending));
    }
    if (stream.next >= 0 && event.seq() < stream.next) {
      if (stream.givenUnderAnotherEpoch(event.change())) {
        lineageChanged(key, stream);
      }
      return;
    }
    stream.waiting.put(event.seq(), new CallbackStream.Pending(event, previousEpoch));
    drain(key, stream);
  }

  private CallbackStream restart(CallbackKey key, String session, ChangeId at) {
    CallbackStream old = streams.get(key);
    if (old == null) {
      metered(key);
    }
    CallbackStream stream = new CallbackStream(session);
    Early before = early.remove(key);
    if ((old == null || old.next < 0) && before != null && System.nanoTime() - before.since() < EARLY_NANOS) {
      before.waiting().tailMap(at.seq(), false).forEach(stream.waiting::put);
    }
    Map<String, HookEvent> held = silenced.remove(key);
    if ((old == null || old.next < 0) && held != null) {
      // Its callback was put back after it was stopped without a teardown: it still holds what it was told.
      stream.view.putAll(held);
    }
    if (old != null) {
      cancelTimer(old);
      // Notices waiting from the lineage the stream had, when it restarts in another (a merge replaced the
      // family), are not of this one: a lineage never numbers changes under an epoch it has left.
      Set<Long> left = new HashSet<>();
      old.recent.forEach(change -> left.add(change.epoch()));
      left.add(old.epoch);
      left.remove(at.epoch());
      old.waiting.tailMap(at.seq(), false).forEach((seq, pending) -> {
        if (!left.contains(pending.event().epoch())) {
          stream.waiting.put(seq, pending);
        }
      });
      stream.view.putAll(old.view);
      stream.recent.addAll(old.recent);
    }
    stream.next = at.seq() + 1;
    stream.epoch = at.epoch();
    stream.from = at;
    streams.put(key, stream);
    return stream;
  }

  private void drain(CallbackKey key, CallbackStream stream) {
    if (stream.next < 0) {
      return;
    }
    while (!stream.waiting.isEmpty() && stream.waiting.firstKey() == stream.next
        && (stream.stopping == null || stream.next <= stream.stopping.seq())) {
      CallbackStream.Pending pending = stream.waiting.firstEntry().getValue();
      if (pending.previousEpoch() != stream.epoch && stream.stopping != null) {
        // Another lineage than the one the teardown follows: nothing more is given before it.
        finishStop(key, stream);
        return;
      }
      if (pending.previousEpoch() != stream.epoch) {
        if (!stream.filling) {
          stream.waiting.pollFirstEntry();
          lineageChanged(key, stream);
        }
        // While a fill is on its way the notice waits: the fill's answer tells which lineage the stream goes on in.
        return;
      }
      stream.waiting.pollFirstEntry();
      HookEvent event = pending.event();
      HookEvent held = event.cmd() == Cmd.HN_REGISTER ? stream.view.get(CallbackStream.name(event)) : null;
      if (held != null) {
        // The name is registered again while the callback holds it: its removal never reached this stream (a copy
        // of the family without it took over, numbering on from the same change). It is told gone first, as before
        // a RESYNC replay, and the stream goes on from where it was: the HN_SYNCED that closes the removal is a
        // catch-up (REPLAY), which leaves the rest of the callback's view as it is, where one marked RESYNC would
        // make the replayed chain (nothing) its view.
        stream.view.remove(CallbackStream.name(event));
        ChangeId last = new ChangeId(stream.epoch, stream.next - 1);
        deliver.accept(key, CallbackStream.conflict(held, last));
        deliver.accept(key, HookEvent.synced(event.family(), event.event(), event.node(), last.epoch(), last.seq(),
            Cause.REPLAY));
      }
      stream.track(event);
      stream.epoch = event.epoch();
      deliver.accept(key, event);
      stream.next++;
    }
    if (stream.stopping != null) {
      if (stream.next > stream.stopping.seq()) {
        finishStop(key, stream);
      }
      // Otherwise the teardown's own timer bounds the wait; a callback unregistered is not filled.
      return;
    }
    cancelTimer(stream);
    if (!stream.waiting.isEmpty() && !stream.filling) {
      stream.timer = vertx.setTimer(gapMillis, timer -> fillGap(key, stream));
    }
  }

  private void fillGap(CallbackKey key, CallbackStream stream) {
    stream.timer = -1;
    if (streams.get(key) != stream || stream.waiting.isEmpty()) {
      return;
    }
    fill(key, stream);
  }



  /** A notice of another lineage came: the stream is brought over now, rather than after a gap's wait. */
  private void lineageChanged(CallbackKey key, CallbackStream stream) {
    if (stream.filling || stream.next < 0 || stream.stopping != null) {
      return;
    }
    cancelTimer(stream);
    HooknetMeters.lineageChanged();
    fill(key, stream);
  }

  /**
   * The fill of {@code key}'s stream got no answer (the cluster did not take it in time, a merge under way): the
   * stream is not given up, and the fill is asked again after {@code gapMillis}, from where the stream is then.
   */
  void fillFailed(CallbackKey key) {
    CallbackStream stream = streams.get(key);
    if (stream == null || stream.stopping != null) {
      return;
    }
    stream.filling = false;
    cancelTimer(stream);
    stream.timer = vertx.setTimer(gapMillis, timer -> {
      stream.timer = -1;
      if (streams.get(key) == stream && !stream.filling) {
        fill(key, stream);
      }
    });
  }

  private void fill(CallbackKey key, CallbackStream stream) {
    stream.filling = true;
    HooknetMeters.gapFilled();
    filler.fill(key, stream.session, new ChangeId(stream.epoch, stream.next - 1));
  }

  /** Puts the callbacks of {@code key}'s event on the meters, once per event. */
  private void metered(CallbackKey key) {
    String family = key.family();
    String event = key.event() == null ? "" : key.event();
    if (meteredEvents.add(family + "/" + event)) {
      HooknetMeters.callbacks(family, event, () -> streams.entrySet().stream()
          .filter(entry -> entry.getValue().next >= 0 && entry.getKey().family().equals(family)
              && event.equals(entry.getKey().event() == null ? "" : entry.getKey().event()))
          .count());
    }
  }

  private void dropPending(CallbackKey key, CallbackStream stream) {
    if (streams.get(key) == stream && stream.next < 0) {
      streams.remove(key);
      Early before = early.get(key);
      TreeMap<Long, CallbackStream.Pending> waiting = new TreeMap<>(before == null ? Map.of() : before.waiting());
      waiting.putAll(stream.waiting);
      early.put(key, new Early(waiting, System.nanoTime()));
    }
  }

  private void cancelTimer(CallbackStream stream) {
    if (stream.timer >= 0) {
      vertx.cancelTimer(stream.timer);
      stream.timer = -1;
    }
  }




}
