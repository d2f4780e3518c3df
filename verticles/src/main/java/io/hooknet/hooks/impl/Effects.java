package io.hooknet.hooks.impl;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.hooknet.codec.ChangeId;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.hooks.impl.FamilyState.Callback;
import io.hooknet.hooks.impl.FamilyState.EventState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a change to a family tells, collected while the rules run: live notices to callbacks, the events published
 * for observers, callback streams to start or stop, and owners that lost a registration. Every live change goes
 * through {@link #hookChange} or {@link #protocolChange}, which number it, keep it in the history and address it
 * to every callback registered at that moment.
 */
final class Effects {

  /** A callback: by address, on an event ({@code event} null: on a family, for protocol-level changes). */
  record CallbackKey(String family, String event, String address) {

    @Override
    public String toString() {
      return address + " on " + family + (event == null ? "" : "/" + event);
    }
  }

  /**
   * A live change for the callback {@code key}, delivered in order by node {@code deliverer}; {@code previousEpoch}
   * is the epoch of the change before it (seq one less) in its lineage, so that a stream can tell a change that
   * continues what it was given from one of another lineage with the next seq.
   */
  record Notice(CallbackKey key, String deliverer, HookEvent event, long previousEpoch) {
  }

  /** How a callback's stream changes. */
  enum StreamChange {
    /** Deliver {@code events} (a replay or the changes missed, ending with HN_SYNCED), then every change after. */
    START,
    /**
     * The answer to a node's gap fill: as {@code START}, unless it was made before the callback's teardown (the
     * answer may reach the node after the teardown, and nothing is owed after it).
     */
    FILL,
    /** Deliver {@code events} (the teardown) and nothing more. */
    STOP,
    /**
     * After a merge: tell the callback which hooks it knew are gone ({@code MERGE_CONFLICT}), then {@code events}
     * (the chain, cause RESYNC, ending with HN_SYNCED), then every change after.
     */
    MERGE_RESYNC
  }

  /**
   * A change to the stream of callback {@code key}, for its deliverer, as of change {@code at}. A callback resumed
   * with the changes it missed comes with {@code held}, what it holds once given them (the chain, or the family's
   * events, as of {@code at}): the node that delivers it from now on may not be the one that delivered it before,
   * and needs it to tell the callback later which hooks it knew are gone. Empty otherwise.
   */
  record Replay(CallbackKey key, String deliverer, String session, StreamChange change, ChangeId at,
      @JsonSerialize(using = ReplayEvents.Writer.class) @JsonDeserialize(using = ReplayEvents.Reader.class)
      List<HookEvent> events,
      @JsonSerialize(using = ReplayEvents.Writer.class) @JsonDeserialize(using = ReplayEvents.Reader.class)
      List<HookEvent> held) {
  }

  /**
   * A registration of {@code owner} that is gone after a merge, described by {@code event}; {@code registeredAt}
   * tells the registration apart from a later one of the same name (two re-assertions may both find it lost).
   */
  record Lost(Owner owner, HookEvent event, long registeredAt) {
  }

  final List<Notice> notices = new ArrayList<>();
  final List<HookEvent> published = new ArrayList<>();
  final List<Replay> replays = new ArrayList<>();
  final List<Lost> lost = new ArrayList<>();
  private final ChangeContext context;
  private final boolean resumeOnly;
  /** Set where the effects are not told (a backup's run): replays are not built. */
  private boolean untold;

  Effects(ChangeContext context) {
    this(context, false);
  }

  /** With {@code resumeOnly}, a callback register may only resume a callback that is there. */
  Effects(ChangeContext context, boolean resumeOnly) {
    this.context = context;
    this.resumeOnly = resumeOnly;
  }

  ChangeContext context() {
    return context;
  }

  boolean resumeOnly() {
    return resumeOnly;
  }

  /** These effects are not told to anyone (a backup applying the change): replays need not be built. */
  Effects untold(boolean untold) {
    this.untold = untold;
    return this;
  }

  /** The events of a replay, built only when the effects are told. */
  List<HookEvent> replayed(Supplier<List<HookEvent>> events) {
    return untold ? List.of() : events.get();
  }

  /** A change to {@code event}'s chain: numbered, kept, told to its callbacks and published. */
  HookEvent hookChange(FamilyState family, EventState event, HookChain.Link link, int position, Cmd cmd,
      Cause cause) {
    long previous = event.changes.epoch;
    ChangeId id = event.changes.next(context);
    HookEvent change = hookEvent(family, event, link, position, cmd, cause, id, false);
    event.changes.keep(change, context.historyLimit());
    tell(event.callbacks, family.family, event.event, change, previous);
    return change;
  }

  /** A change to the family's events: numbered, kept, told to its protocol callbacks and published. */
  HookEvent protocolChange(FamilyState family, String event, String node, Cmd cmd, Cause cause) {
    long previous = family.changes.epoch;
    ChangeId id = family.changes.next(context);
    HookEvent change = protocolEvent(family.family, event, node, cmd, cause, id, false);
    family.changes.keep(change, context.historyLimit());
    tell(family.callbacks, family.family, null, change, previous);
    return change;
  }

  private void tell(List<Callback> callbacks, String family, String event, HookEvent change, long previousEpoch) {
    for (Callback callback : callbacks) {
      notices.add(new Notice(new CallbackKey(family, event, callback.address()), callback.node(), change,
          previousEpoch));
    }
    published.add(change);
  }

  void replay(CallbackKey key, Callback callback, StreamChange change, ChangeId at, List<HookEvent> events) {
    replay(key, callback, change, at, events, List.of());
  }

  /** As above, for a callback resumed with the changes it missed, which then holds {@code held}. */
  void replay(CallbackKey key, Callback callback, StreamChange change, ChangeId at, List<HookEvent> events,
      List<HookEvent> held) {
    replays.add(new Replay(key, callback.node(), callback.session(), change, at, List.copyOf(events),
        List.copyOf(held)));
  }

  static HookEvent hookEvent(FamilyState family, EventState event, HookChain.Link link, int position, Cmd cmd,
      Cause cause, ChangeId id, boolean replay) {
    return new HookEvent(cmd, family.family, event.event, link.hook(), link.node(), link.session(), link.hint(),
        link.hintValue(), position, id.epoch(), id.seq(), replay, cause);
  }

  static HookEvent protocolEvent(String family, String event, String node, Cmd cmd, Cause cause, ChangeId id,
      boolean replay) {
    return new HookEvent(cmd, family, event, null, node, null, null, null, -1, id.epoch(), id.seq(), replay, cause);
  }

  /** The chain of {@code event} as {@code HN_REGISTER}s (as {@code cmd}s) with {@code cause}, as of now. */
  static List<HookEvent> chainEvents(FamilyState family, EventState event, Cmd cmd, Cause cause) {
    ChangeId at = event.changes.current();
    List<HookEvent> events = new ArrayList<>();
    for (int i = 0; i < event.chain.size(); i++) {
      events.add(hookEvent(family, event, event.chain.get(i), i, cmd, cause, at, true));
    }
    return events;
  }

  /** The family's open events as {@code cmd}s with {@code cause}, told as by {@code node}, as of now. */
  static List<HookEvent> familyEvents(FamilyState family, String node, Cmd cmd, Cause cause) {
    ChangeId at = family.changes.current();
    List<HookEvent> events = new ArrayList<>();
    for (EventState event : family.events) {
      if (!event.shutdown) {
        events.add(protocolEvent(family.family, event.event, node, cmd, cause, at, true));
      }
    }
    return events;
  }

  /** A replay of {@code event}'s chain with {@code cause}, ending with HN_SYNCED from {@code node}. */
  static List<HookEvent> chainReplay(FamilyState family, EventState event, Cause cause, String node) {
    return synced(chainEvents(family, event, Cmd.HN_REGISTER, cause), family.family, event.event, node,
        event.changes.current(), cause);
  }

  /** A replay of the family's events with {@code cause}, ending with HN_SYNCED from {@code node}. */
  static List<HookEvent> eventsReplay(FamilyState family, Cause cause, String node) {
    return synced(familyEvents(family, node, Cmd.HN_REGISTER, cause), family.family, null, node,
        family.changes.current(), cause);
  }

  private static List<HookEvent> synced(List<HookEvent> events, String family, String event, String node,
      ChangeId at, Cause cause) {
    List<HookEvent> replay = new ArrayList<>(events);
    replay.add(HookEvent.synced(family, event, node, at.epoch(), at.seq(), cause));
    return replay;
  }

  /**
   * What a callback resuming after {@code since} is sent: the changes it missed and HN_SYNCED, or, when they are
   * not all kept, {@code resync} (the whole state, cause RESYNC).
   */
  static List<HookEvent> catchUp(Changes changes, ChangeId since, String family, String event, String node,
      Supplier<List<HookEvent>> resync) {
    List<HookEvent> missed = changes.after(since);
    return missed == null ? resync.get() : synced(missed, family, event, node, changes.current(), Cause.REPLAY);
  }
}
