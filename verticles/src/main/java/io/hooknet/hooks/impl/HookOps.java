package io.hooknet.hooks.impl;

import static io.hooknet.hooks.impl.RegistryOps.find;
import static io.hooknet.hooks.impl.RegistryOps.requireEvent;
import static io.hooknet.hooks.impl.RegistryOps.requireFamily;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Replies;
import io.hooknet.hooks.impl.FamilyState.Callback;
import io.hooknet.hooks.impl.FamilyState.EventState;
import io.hooknet.hooks.impl.RegistryOps.Notice;
import io.hooknet.hooks.impl.RegistryOps.Outcome;
import java.util.ArrayList;
import java.util.List;

/** The event-level rules: hooks in and out of a chain, notify callbacks with replay and teardown, node loss. */
final class HookOps {

  private HookOps() {
  }

  static Outcome register(FamilyState state, HookCommand.HookRegister command, String node) {
    FamilyState family = requireFamily(state, command.family(), Errno.ENXIO);
    EventState event = requireEvent(family, command.event(), Errno.ENXIO);
    requireOpen(family, event);
    HookChain.Link link = new HookChain.Link(command.hook(), command.hint(), command.hintValue(),
        command.address(), node);
    HookChain chain = new HookChain(event.chain);
    int position;
    try {
      position = chain.insert(link);
    } catch (HooknetException e) {
      throw e.withContext("on " + family.family + "/" + event.event);
    }
    event.chain = new ArrayList<>(chain.links());
    event.seq++;
    event.hooksAdded++;
    return Outcome.change(family, new Replies.Ack(event.seq), event.callbacks,
        hookEvent(family, event, link, position, Cmd.HN_REGISTER, Cause.REGISTERED));
  }

  static Outcome unregister(FamilyState state, HookCommand.HookUnregister command) {
    FamilyState family = requireFamily(state, command.family(), Errno.ENXIO);
    EventState event = requireEvent(family, command.event(), Errno.ENXIO);
    int position = new HookChain(event.chain).indexOf(command.hook());
    if (position < 0) {
      throw HooknetException.of(Errno.ENXIO, "hook '%s' is not on %s/%s", command.hook(), family.family,
          event.event);
    }
    HookChain.Link link = event.chain.remove(position);
    event.hits.remove(link.hook());
    event.seq++;
    event.hooksRemoved++;
    return Outcome.change(family, new Replies.Ack(event.seq), event.callbacks,
        hookEvent(family, event, link, position, Cmd.HN_UNREGISTER, Cause.UNREGISTERED));
  }

  static Outcome notifyRegister(FamilyState state, HookCommand.NotifyRegister command, String node) {
    FamilyState family = requireFamily(state, command.family(), Errno.ESRCH);
    EventState event = requireEvent(family, command.event(), Errno.ESRCH);
    requireOpen(family, event);
    if (find(event.callbacks, command.address()) != null) {
      throw HooknetException.of(Errno.EEXIST, "callback '%s' is already registered on %s/%s", command.address(),
          family.family, event.event);
    }
    Callback callback = new Callback(command.address(), node);
    event.callbacks.add(callback);
    List<Notice> replay = new ArrayList<>();
    for (int i = 0; i < event.chain.size(); i++) {
      replay.add(new Notice(callback.address(), callback.node(),
          hookEvent(family, event, event.chain.get(i), i, Cmd.HN_REGISTER, Cause.REPLAY)));
    }
    return new Outcome(family, new Replies.Ack(event.seq), replay);
  }

  static Outcome notifyUnregister(FamilyState state, HookCommand.NotifyUnregister command) {
    FamilyState family = requireFamily(state, command.family(), Errno.ESRCH);
    EventState event = requireEvent(family, command.event(), Errno.ESRCH);
    Callback callback = find(event.callbacks, command.address());
    if (callback == null) {
      throw HooknetException.of(Errno.ESRCH, "callback '%s' is not registered on %s/%s", command.address(),
          family.family, event.event);
    }
    event.callbacks.remove(callback);
    List<Notice> teardown = new ArrayList<>();
    for (int i = 0; i < event.chain.size(); i++) {
      teardown.add(new Notice(callback.address(), callback.node(),
          hookEvent(family, event, event.chain.get(i), i, Cmd.HN_UNREGISTER, Cause.TEARDOWN)));
    }
    if (event.shutdown && event.callbacks.isEmpty()) {
      family.events.remove(event);
    }
    return new Outcome(family, new Replies.Ack(event.seq), teardown);
  }

  /**
   * Removes what a node that left owned: its hooks, each told to the remaining callbacks as
   * {@code HN_UNREGISTER} with cause {@code NODE_LEFT}, and its callbacks. Running it again changes nothing, so
   * every survivor may run it and each hook is reported once.
   */
  static Outcome nodeLeft(FamilyState family, String node) {
    List<Notice> notices = new ArrayList<>();
    List<HookEvent> published = new ArrayList<>();
    boolean changed = family.callbacks.removeIf(callback -> callback.node().equals(node));
    for (EventState event : new ArrayList<>(family.events)) {
      changed |= event.callbacks.removeIf(callback -> callback.node().equals(node));
      for (int i = 0; i < event.chain.size(); i++) {
        HookChain.Link link = event.chain.get(i);
        if (link.node().equals(node)) {
          event.chain.remove(i);
          event.hits.remove(link.hook());
          event.seq++;
          event.hooksRemoved++;
          Outcome removed = Outcome.change(family, null, event.callbacks,
              hookEvent(family, event, link, i, Cmd.HN_UNREGISTER, Cause.NODE_LEFT));
          notices.addAll(removed.notices());
          published.addAll(removed.published());
          i--;
          changed = true;
        }
      }
      if (event.shutdown && event.callbacks.isEmpty()) {
        family.events.remove(event);
      }
    }
    return new Outcome(family, new Replies.Ack(changed ? 1 : 0), notices, published);
  }

  /** Counts a run of an event and a hit for each hook it called. */
  static Outcome countRun(FamilyState family, String event, List<String> called) {
    EventState state = family.event(event);
    if (state != null) {
      state.runs++;
      for (String hook : called) {
        if (new HookChain(state.chain).indexOf(hook) >= 0) {
          state.hits.merge(hook, 1L, Long::sum);
        }
      }
    }
    return new Outcome(family, new Replies.Ack(0), List.of());
  }

  private static void requireOpen(FamilyState family, EventState event) {
    if (event.shutdown) {
      throw HooknetException.of(Errno.ESHUTDOWN, "event %s/%s is shutting down", family.family, event.event);
    }
  }

  private static HookEvent hookEvent(FamilyState family, EventState event, HookChain.Link link, int position,
      Cmd cmd, Cause cause) {
    boolean replay = cause == Cause.REPLAY || cause == Cause.TEARDOWN;
    return new HookEvent(cmd, family.family, event.event, link.hook(), link.node(), link.hint(), link.hintValue(),
        position, event.seq, replay, cause);
  }
}
