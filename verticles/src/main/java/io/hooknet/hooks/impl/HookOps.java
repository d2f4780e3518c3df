package io.hooknet.hooks.impl;

import static io.hooknet.hooks.impl.RegistryOps.indexOf;
import static io.hooknet.hooks.impl.RegistryOps.requireEvent;
import static io.hooknet.hooks.impl.RegistryOps.requireFamily;

import io.hooknet.codec.ChangeId;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Replies;
import io.hooknet.hooks.impl.Effects.CallbackKey;
import io.hooknet.hooks.impl.Effects.StreamChange;
import io.hooknet.hooks.impl.FamilyState.Callback;
import io.hooknet.hooks.impl.FamilyState.EventState;
import io.hooknet.hooks.impl.RegistryOps.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The event-level rules: hooks in and out of a chain, notify callbacks with replay, resume and teardown. */
final class HookOps {

  private HookOps() {
  }

  static Outcome register(FamilyState state, HookCommand.HookRegister command, Owner owner, Effects effects) {
    FamilyState family = requireFamily(state, command.family(), Errno.ENXIO);
    EventState event = requireEvent(family, command.event(), Errno.ENXIO);
    requireOpen(family, event);
    HookChain.Link link = new HookChain.Link(command.hook(), command.hint(), command.hintValue(),
        command.address(), owner.node(), owner.session(), effects.context().now());
    insert(family, event, link, Cause.REGISTERED, effects);
    return new Outcome(family, new Replies.Ack(event.changes.seq), effects, true);
  }

  /** Inserts {@code link} by its hint and tells it; the hint rules' failures name the event. */
  static void insert(FamilyState family, EventState event, HookChain.Link link, Cause cause, Effects effects) {
    int position;
    try {
      position = event.hooks().insert(link);
    } catch (HooknetException e) {
      throw e.withContext("on " + family.family + "/" + event.event);
    }
    event.hooksAdded++;
    effects.hookChange(family, event, link, position, Cmd.HN_REGISTER, cause);
  }

  static Outcome unregister(FamilyState state, HookCommand.HookUnregister command, Effects effects) {
    FamilyState family = requireFamily(state, command.family(), Errno.ENXIO);
    EventState event = requireEvent(family, command.event(), Errno.ENXIO);
    int position = event.hooks().indexOf(command.hook());
    if (position < 0) {
      throw HooknetException.refused(Errno.ENXIO, "hook '%s' is not on %s/%s", command.hook(), family.family,
          event.event);
    }
    remove(family, event, position, Cause.UNREGISTERED, effects);
    return new Outcome(family, new Replies.Ack(event.changes.seq), effects, true);
  }

  /**
   * Removes the hook at {@code position} and tells it with {@code cause}, keeping it as gone for good when its owner
   * unregistered it or its client went ({@link FamilyState.Removed}); gives the change.
   */
  static HookEvent remove(FamilyState family, EventState event, int position, Cause cause, Effects effects) {
    HookChain.Link link = event.hooks().removeAt(position);
    if (cause == Cause.UNREGISTERED || cause == Cause.CLIENT_LEFT) {
      FamilyState.Removed.keep(family, event.event, link, cause, effects.context().now());
    }
    event.hits.remove(link.hook());
    event.hooksRemoved++;
    return effects.hookChange(family, event, link, position, Cmd.HN_UNREGISTER, cause);
  }

  /**
   * Where callbacks are registered: an event's callbacks, whose stream is its chain, or a family's protocol
   * callbacks, whose stream is its events; with the replay ({@code cause}, told as by {@code node}, ending with
   * HN_SYNCED), the teardown (as by {@code node}) and what a callback holds now (as by {@code node}) of that stream.
   */
  record Site(List<Callback> callbacks, Changes changes, String family, String event, String where,
      BiFunction<Cause, String, List<HookEvent>> replay, Function<String, List<HookEvent>> teardown,
      Function<String, List<HookEvent>> held) {

    static Site of(FamilyState family, EventState event) {
      return new Site(event.callbacks, event.changes, family.family, event.event, family.family + "/" + event.event,
          (cause, node) -> Effects.chainReplay(family, event, cause, node),
          node -> Effects.chainEvents(family, event, Cmd.HN_UNREGISTER, Cause.TEARDOWN),
          node -> Effects.chainEvents(family, event, Cmd.HN_REGISTER, Cause.REPLAY));
    }

    static Site of(FamilyState family) {
      return new Site(family.callbacks, family.changes, family.family, null, "family '" + family.family + "'",
          (cause, node) -> Effects.eventsReplay(family, cause, node),
          node -> Effects.familyEvents(family, node, Cmd.HN_UNREGISTER, Cause.TEARDOWN),
          node -> Effects.familyEvents(family, node, Cmd.HN_REGISTER, Cause.REPLAY));
    }

    CallbackKey key(String address) {
      return new CallbackKey(family, event, address);
    }
  }

  /**
   * Registers a callback with its replay. With {@code since}, a callback the same owner already has there resumes:
   * it is delivered from the owner's node from now on and is sent the changes after {@code since} (or, when they
   * are no longer kept, a replay marked RESYNC); a callback that is not there is registered with its replay marked
   * RESYNC, since its client had a view.
   */
  static void registerCallback(Site site, String address, ChangeId since, Owner owner, Effects effects) {
    int index = indexOf(site.callbacks(), address);
    if (index < 0 && effects.resumeOnly()) {
      throw HooknetException.refused(Errno.ESRCH, "callback '%s' is no longer registered on %s", address, site.where());
    }
    if (index >= 0 && (since == null || !site.callbacks().get(index).owner().same(owner))) {
      throw HooknetException.refused(Errno.EEXIST, "callback '%s' is already registered on %s", address, site.where());
    }
    site.changes().overtake(since, effects.context());
    if (index >= 0) {
      Callback resumed = site.callbacks().get(index).anchoredAt(owner.node());
      site.callbacks().set(index, resumed);
      catchUp(site, resumed, since, effects.resumeOnly() ? StreamChange.FILL : StreamChange.START, effects);
      return;
    }
    Callback callback = new Callback(address, owner.node(), owner.session(), effects.context().now());
    site.callbacks().add(callback);
    startStream(site, callback, since == null ? Cause.REPLAY : Cause.RESYNC, effects);
  }

  /** Starts {@code callback}'s stream: a replay of what {@code site} holds, marked {@code cause}, then live. */
  private static void startStream(Site site, Callback callback, Cause cause, Effects effects) {
    effects.replay(site.key(callback.address()), callback, StreamChange.START, site.changes().current(),
        effects.replayed(() -> site.replay().apply(cause, callback.node())));
  }

  /** A registration {@code added} or removed by a command, by its identity. */
  record Made(HookCommand.Registration registration, boolean added) {
  }

  /**
   * What {@code command} makes that a run of it again can be answered for ({@link #again}): a hook registered or
   * unregistered, a callback registered without {@code since} (one with it resumes, which a run again does anyway);
   * {@code null} for any other command.
   */
  static Made madeBy(HookCommand<?> command) {
    if (command instanceof HookCommand.HookUnregister unregister) {
      return new Made(unregister.registration(), false);
    }
    ChangeId since = command instanceof HookCommand.NotifyRegister register ? register.since()
        : command instanceof HookCommand.ProtocolNotifyRegister register ? register.since() : null;
    return command instanceof HookCommand.Registers registers && since == null
        ? new Made(registers.registration(), true) : null;
  }

  /**
   * A command that Hazelcast ran again after it made {@code made}, answered {@code seq} then, answered as the first
   * time: a hook's change with that seq; a callback's registration, while the callback is there with the same owner,
   * by starting its stream again as a registration now would (a replay of the chain or the family's events as they
   * are, ending with HN_SYNCED, then every change after) — the node that asked never had the first answer, which
   * started it. Nothing changes. {@code null} when the callback is not there as {@code owner} registered it.
   */
  static Outcome again(FamilyState family, Made made, long seq, Owner owner, Effects effects) {
    HookCommand.Registration registration = made.registration();
    Site site;
    switch (registration.kind()) {
      case HOOK:
        return new Outcome(family, new Replies.Ack(seq), effects, false);
      case CALLBACK: {
        EventState event = family.event(registration.event());
        if (event == null) {
          return null;
        }
        site = Site.of(family, event);
        break;
      }
      default:
        site = Site.of(family);
    }
    int index = indexOf(site.callbacks(), registration.name());
    if (index < 0 || !site.callbacks().get(index).owner().same(owner)) {
      return null;
    }
    Callback callback = site.callbacks().get(index);
    startStream(site, callback, Cause.REPLAY, effects);
    return new Outcome(family, new Replies.Ack(site.changes().seq), effects, false);
  }

  /**
   * Sends {@code callback} the changes after {@code since} from the node that delivers it, or, when they are not
   * all kept (or {@code since} is of another lineage), a replay marked RESYNC; with what it then holds.
   */
  static void catchUp(Site site, Callback callback, ChangeId since, StreamChange change, Effects effects) {
    String node = callback.node();
    effects.replay(site.key(callback.address()), callback, change, site.changes().current(),
        effects.replayed(() -> Effects.catchUp(site.changes(), since, site.family(), site.event(), node,
            () -> site.replay().apply(Cause.RESYNC, node))),
        effects.replayed(() -> site.held().apply(node)));
  }

  /** Unregisters a callback, which is sent its teardown and nothing more. */
  static void unregisterCallback(Site site, String address, Effects effects) {
    int index = indexOf(site.callbacks(), address);
    if (index < 0) {
      throw HooknetException.refused(Errno.ESRCH, "callback '%s' is not registered on %s", address, site.where());
    }
    Callback callback = site.callbacks().remove(index);
    effects.replay(site.key(address), callback, StreamChange.STOP, site.changes().current(),
        effects.replayed(() -> site.teardown().apply(callback.node())));
  }

  static Outcome notifyRegister(FamilyState state, HookCommand.NotifyRegister command, Owner owner,
      Effects effects) {
    FamilyState family = requireFamily(state, command.family(), Errno.ESRCH);
    EventState event = requireEvent(family, command.event(), Errno.ESRCH);
    requireOpen(family, event);
    registerCallback(Site.of(family, event), command.address(), command.since(), owner, effects);
    return new Outcome(family, new Replies.Ack(event.changes.seq), effects, true);
  }

  static Outcome notifyUnregister(FamilyState state, HookCommand.NotifyUnregister command, Effects effects) {
    FamilyState family = requireFamily(state, command.family(), Errno.ESRCH);
    EventState event = requireEvent(family, command.event(), Errno.ESRCH);
    unregisterCallback(Site.of(family, event), command.address(), effects);
    if (event.shutdown && event.callbacks.isEmpty()) {
      family.removeEvent(event);
    }
    return new Outcome(family, new Replies.Ack(event.changes.seq), effects, true);
  }

  /** Counts a run of an event and a hit for each hook it called. */
  static Outcome countRun(FamilyState family, String event, List<String> called, Effects effects) {
    EventState state = family.event(event);
    if (state == null) {
      return new Outcome(family, new Replies.Ack(0), effects, false);
    }
    state.runs++;
    for (String hook : called) {
      if (state.hooks().indexOf(hook) >= 0) {
        state.hits.merge(hook, 1L, Long::sum);
      }
    }
    return new Outcome(family, new Replies.Ack(state.changes.seq), effects, true);
  }

  static void requireOpen(FamilyState family, EventState event) {
    if (event.shutdown) {
      throw HooknetException.refused(Errno.ESHUTDOWN, "event %s/%s is shutting down", family.family, event.event);
    }
  }
}
