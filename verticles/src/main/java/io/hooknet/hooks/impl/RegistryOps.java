package io.hooknet.hooks.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.HooknetMessage;
import io.hooknet.codec.Replies;
import io.hooknet.hooks.impl.FamilyState.Callback;
import io.hooknet.hooks.impl.FamilyState.EventState;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry's rules applied to one family's stored state: what each operation changes, what it answers and
 * whom it tells. Pure: the caller stores the state and delivers the notices.
 *
 * <p>Notices are made in the same step as the change, from the callbacks registered at that moment, so a
 * callback hears of every change after its replay and of none before it. Every notice carries the event's (or
 * for protocol-level notices the family's) {@code seq} after the change; replay and teardown notices carry the
 * {@code seq} they describe.
 */
final class RegistryOps {

  /** A {@link HookEvent} for the callback at {@code address}, delivered in order by node {@code owner}. */
  record Notice(String address, String owner, HookEvent event) {
  }

  /**
   * The state to store ({@code null}: delete the family), the answer, the notices to deliver to callbacks, and
   * the live changes to publish for observers.
   */
  record Outcome(FamilyState state, HooknetMessage reply, List<Notice> notices, List<HookEvent> published) {

    Outcome(FamilyState state, HooknetMessage reply, List<Notice> notices) {
      this(state, reply, notices, List.of());
    }

    /** A live change told to {@code callbacks} and published. */
    static Outcome change(FamilyState state, HooknetMessage reply, List<Callback> callbacks, HookEvent event) {
      List<Notice> notices = new ArrayList<>(callbacks.size());
      for (Callback callback : callbacks) {
        notices.add(new Notice(callback.address(), callback.node(), event));
      }
      return new Outcome(state, reply, notices, List.of(event));
    }
  }

  private RegistryOps() {
  }

  /** Applies a change ({@code family.add} … {@code protocol.notify.unregister}) made through node {@code node}. */
  static Outcome apply(FamilyState state, HookCommand command, String node) {
    if (command instanceof HookCommand.FamilyAdd) {
      if (state != null) {
        throw HooknetException.of(Errno.EEXIST, "family '%s' already exists", state.family);
      }
      return new Outcome(new FamilyState(((HookCommand.FamilyAdd) command).family()), new Replies.Ack(0), List.of());
    }
    if (command instanceof HookCommand.FamilyRemove) {
      FamilyState family = requireFamily(state, ((HookCommand.FamilyRemove) command).family(), Errno.ENXIO);
      if (!family.events.isEmpty()) {
        throw HooknetException.of(Errno.EBUSY, "family '%s' still has %d events", family.family,
            family.events.size());
      }
      return new Outcome(null, new Replies.Ack(family.seq), List.of());
    }
    if (command instanceof HookCommand.EventAdd) {
      return eventAdd(state, (HookCommand.EventAdd) command, node);
    }
    if (command instanceof HookCommand.EventRemove) {
      return eventRemove(state, (HookCommand.EventRemove) command, node);
    }
    if (command instanceof HookCommand.HookRegister) {
      return HookOps.register(state, (HookCommand.HookRegister) command, node);
    }
    if (command instanceof HookCommand.HookUnregister) {
      return HookOps.unregister(state, (HookCommand.HookUnregister) command);
    }
    if (command instanceof HookCommand.NotifyRegister) {
      return HookOps.notifyRegister(state, (HookCommand.NotifyRegister) command, node);
    }
    if (command instanceof HookCommand.NotifyUnregister) {
      return HookOps.notifyUnregister(state, (HookCommand.NotifyUnregister) command);
    }
    if (command instanceof HookCommand.ProtocolNotifyRegister) {
      return protocolRegister(state, (HookCommand.ProtocolNotifyRegister) command, node);
    }
    if (command instanceof HookCommand.ProtocolNotifyUnregister) {
      return protocolUnregister(state, (HookCommand.ProtocolNotifyUnregister) command);
    }
    throw HooknetException.of(Errno.EINVAL, "%s does not change the registry", command.getClass().getSimpleName());
  }

  private static Outcome eventAdd(FamilyState state, HookCommand.EventAdd command, String node) {
    FamilyState family = requireFamily(state, command.family(), Errno.ENXIO);
    if (family.event(command.event()) != null) {
      throw HooknetException.of(Errno.EEXIST, "event '%s' already exists in family '%s'", command.event(),
          family.family);
    }
    family.events.add(new EventState(command.event()));
    family.seq++;
    return Outcome.change(family, new Replies.Ack(family.seq), family.callbacks,
        protocolEvent(family, command.event(), Cmd.HN_REGISTER, node, false, Cause.REGISTERED));
  }

  private static Outcome eventRemove(FamilyState state, HookCommand.EventRemove command, String node) {
    FamilyState family = requireFamily(state, command.family(), Errno.ENXIO);
    EventState event = requireEvent(family, command.event(), Errno.ENXIO);
    if (!event.chain.isEmpty()) {
      throw HooknetException.of(Errno.EBUSY, "event %s/%s still has %d hooks", family.family, event.event,
          event.chain.size());
    }
    if (event.shutdown) {
      throw HooknetException.of(Errno.ESHUTDOWN, "event %s/%s is already shutting down", family.family,
          event.event);
    }
    if (event.callbacks.isEmpty()) {
      family.events.remove(event);
    } else {
      event.shutdown = true;
    }
    family.seq++;
    return Outcome.change(family, new Replies.Ack(family.seq), family.callbacks,
        protocolEvent(family, command.event(), Cmd.HN_UNREGISTER, node, false, Cause.UNREGISTERED));
  }

  private static Outcome protocolRegister(FamilyState state, HookCommand.ProtocolNotifyRegister command,
      String node) {
    FamilyState family = requireFamily(state, command.family(), Errno.ESRCH);
    if (find(family.callbacks, command.address()) != null) {
      throw HooknetException.of(Errno.EEXIST, "callback '%s' is already registered on family '%s'",
          command.address(), family.family);
    }
    Callback callback = new Callback(command.address(), node);
    family.callbacks.add(callback);
    List<Notice> replay = new ArrayList<>();
    for (EventState event : family.events) {
      if (!event.shutdown) {
        replay.add(new Notice(callback.address(), callback.node(), protocolEvent(family, event.event,
            Cmd.HN_REGISTER, node, true, Cause.REPLAY)));
      }
    }
    return new Outcome(family, new Replies.Ack(family.seq), replay);
  }

  private static Outcome protocolUnregister(FamilyState state, HookCommand.ProtocolNotifyUnregister command) {
    FamilyState family = requireFamily(state, command.family(), Errno.ESRCH);
    Callback callback = find(family.callbacks, command.address());
    if (callback == null) {
      throw HooknetException.of(Errno.ESRCH, "callback '%s' is not registered on family '%s'", command.address(),
          family.family);
    }
    family.callbacks.remove(callback);
    List<Notice> teardown = new ArrayList<>();
    for (EventState event : family.events) {
      if (!event.shutdown) {
        teardown.add(new Notice(callback.address(), callback.node(), protocolEvent(family, event.event,
            Cmd.HN_UNREGISTER, callback.node(), true, Cause.TEARDOWN)));
      }
    }
    return new Outcome(family, new Replies.Ack(family.seq), teardown);
  }

  private static HookEvent protocolEvent(FamilyState family, String event, Cmd cmd, String node, boolean replay,
      Cause cause) {
    return new HookEvent(cmd, family.family, event, null, node, null, null, -1, family.seq, replay, cause);
  }

  static FamilyState requireFamily(FamilyState state, String family, Errno missing) {
    if (state == null) {
      throw HooknetException.of(missing, "family '%s' does not exist", family);
    }
    return state;
  }

  static EventState requireEvent(FamilyState family, String event, Errno missing) {
    EventState found = family.event(event);
    if (found == null) {
      throw HooknetException.of(missing, "event '%s' does not exist in family '%s'", event, family.family);
    }
    return found;
  }

  static Callback find(List<Callback> callbacks, String address) {
    return callbacks.stream().filter(callback -> callback.address().equals(address)).findFirst().orElse(null);
  }
}
