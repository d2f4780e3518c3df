package io.hooknet.hooks.impl;

import io.hooknet.codec.ChangeId;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One callback's stream as {@link CallbackSequencer} keeps it: the change it goes on with, the notices that wait
 * for their turn, the latest changes it gave and what its callback was told is there. Changed on the sequencer's
 * event loop only; {@link #next} is read by the meters from other threads too.
 */
final class CallbackStream {

  /** How many of the latest changes given a stream remembers. */
  static final int RECENT = 256;

  /** A live change waiting for its turn, with the epoch of the change before it in its lineage. */
  record Pending(HookEvent event, long previousEpoch) {
  }

  final String session;
  /** The seq of the next change to deliver; -1 until the stream has started. */
  volatile long next = -1;
  /** The epoch of the last change given (of the state replayed, after a replay). */
  long epoch;
  final TreeMap<Long, Pending> waiting = new TreeMap<>();
  /** What the callback was told is there: hook (or, at protocol level, event) name to its latest event. */
  final Map<String, HookEvent> view = new LinkedHashMap<>();
  /** The change the stream last (re)started at. */
  ChangeId from;
  /** The latest changes given, so that a gap fill overtaken by late notices gives none twice. */
  final ArrayDeque<ChangeId> recent = new ArrayDeque<>();
  long timer = -1;
  boolean filling;
  /** While the callback's teardown waits for the changes before it: the change it was made at; null otherwise. */
  ChangeId stopping;
  List<HookEvent> teardown = List.of();
  /** What to do once the teardown waiting has gone out. */
  final List<Runnable> afterTeardown = new ArrayList<>();

  CallbackStream(String session) {
    this.session = session;
  }

  /** Whether changes missed, as a fill answers them, begin right after what the stream has given (or are none). */
  boolean continues(List<HookEvent> events) {
    return events.stream().filter(event -> event.cmd() != Cmd.HN_SYNCED).findFirst()
        .map(first -> first.seq() == next).orElse(true);
  }

  /** Whether the stream was given a change after {@code at} in {@code at}'s epoch. */
  boolean givenAfter(ChangeId at) {
    return epoch == at.epoch() && at.seq() < next - 1
        || recent.stream().anyMatch(given -> given.epoch() == at.epoch() && given.seq() > at.seq());
  }

  /** Whether the stream was given a change with {@code change}'s seq under another epoch. */
  boolean givenUnderAnotherEpoch(ChangeId change) {
    boolean other = false;
    for (ChangeId given : recent) {
      if (given.equals(change)) {
        return false;
      }
      other |= given.seq() == change.seq();
    }
    return other;
  }

  /** Takes {@code event} as given: among the latest changes, and in what the callback was told is there. */
  void track(HookEvent event) {
    if (event.cmd() != Cmd.HN_SYNCED) {
      recent.addLast(event.change());
      if (recent.size() > RECENT) {
        recent.removeFirst();
      }
    }
    if (event.cmd() == Cmd.HN_REGISTER) {
      view.put(name(event), event);
    } else if (event.cmd() == Cmd.HN_UNREGISTER) {
      view.remove(name(event));
    }
  }

  /**
   * Of the hooks the callback was told are there ({@link #view}), those a replay marked {@code RESYNC} no longer
   * has with the same owner: after a merge, or when the changes it missed are no longer kept, the callback gets the
   * whole chain again and must be told, as {@code MERGE_CONFLICT}, which of the hooks it knew are gone, or their
   * removal would go unseen. A first replay ({@code REPLAY}) has nothing to compare with.
   */
  List<HookEvent> gone(List<HookEvent> events, ChangeId at) {
    if (view.isEmpty() || events.stream().noneMatch(event -> event.cause() == Cause.RESYNC)) {
      return List.of();
    }
    return notIn(view, events.stream().filter(event -> event.cmd() == Cmd.HN_REGISTER).toList(), at);
  }

  /** The hooks in {@code view} that {@code there} lacks with the same owner, each told gone as of {@code at}. */
  static List<HookEvent> notIn(Map<String, HookEvent> view, List<HookEvent> there, ChangeId at) {
    Map<String, HookEvent> now = new HashMap<>();
    there.forEach(event -> now.put(name(event), event));
    List<HookEvent> gone = new ArrayList<>();
    for (HookEvent known : view.values()) {
      HookEvent kept = now.get(name(known));
      if (kept == null || !sameOwner(kept, known)) {
        gone.add(conflict(known, at));
      }
    }
    return gone;
  }

  /** Whether an event belongs to a replay of the whole state (rather than to changes missed). */
  static boolean replacesView(HookEvent event) {
    return event.replay() && (event.cmd() == Cmd.HN_REGISTER || event.cause() == Cause.RESYNC);
  }

  /** The name an event is known by in a view: its hook, or at protocol level its event. */
  static String name(HookEvent event) {
    return event.hook() != null ? event.hook() : event.event();
  }

  private static boolean sameOwner(HookEvent a, HookEvent b) {
    return a.session() != null ? a.session().equals(b.session())
        : b.session() == null && a.node().equals(b.node());
  }

  /** {@code known} told gone as of {@code at}, as a merge conflict. */
  static HookEvent conflict(HookEvent known, ChangeId at) {
    return new HookEvent(Cmd.HN_UNREGISTER, known.family(), known.event(), known.hook(), known.node(),
        known.session(), known.hint(), known.hintValue(), known.position(), at.epoch(), at.seq(), true,
        Cause.MERGE_CONFLICT);
  }
}
