package io.hooknet.hooks.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Replies;
import io.hooknet.hooks.impl.FamilyState.Callback;
import io.hooknet.hooks.impl.FamilyState.EventState;
import java.util.List;

/**
 * The registry's rules applied to one family's stored state: what each change makes of it, what it answers and
 * whom it tells ({@link Effects}). Pure: the caller stores the state and delivers what the effects say.
 *
 * <p>Notices are made in the same step as the change, from the callbacks registered at that moment, so a
 * callback hears of every change after its replay and of none before it. Every notice carries the identity of
 * its change; replays carry the identity of the state they describe and end with {@code HN_SYNCED}.
 */
final class RegistryOps {

  /**
   * The state to store ({@code null}: delete the family), the answer and the effects. {@code changed} is false
   * when nothing was changed, so that nothing needs to be written.
   */
  record Outcome(FamilyState state, Replies.Ack reply, Effects effects, boolean changed) {
  }

  private RegistryOps() {
  }

  /** Applies a change made by {@code owner}; reads and session operations are refused with EINVAL. */
  static Outcome apply(FamilyState state, HookCommand<?> command, Owner owner, ChangeContext context) {
    return apply(state, command, owner, new Effects(context));
  }

  /** As above, with {@code effects} to fill (an untold one for a backup). */
  static Outcome apply(FamilyState state, HookCommand<?> command, Owner owner, Effects effects) {
    return command.accept(new Rules(state, owner, effects));
  }

  /** Resumes a callback that {@code owner} has ({@code command} registers it with {@code since}): ESRCH if gone. */
  static Outcome resume(FamilyState state, HookCommand<?> command, Owner owner, ChangeContext context) {
    return resume(state, command, owner, new Effects(context, true));
  }

  /** As above, with {@code effects} to fill (made to resume only; an untold one for a backup). */
  static Outcome resume(FamilyState state, HookCommand<?> command, Owner owner, Effects effects) {
    return command.accept(new Rules(state, owner, effects));
  }

  /** One change's rules, picked by the command's own type. */
  private static final class Rules implements HookCommand.Visitor<Outcome> {
    private final FamilyState state;
    private final Owner owner;
    private final Effects effects;

    Rules(FamilyState state, Owner owner, Effects effects) {
      this.state = state;
      this.owner = owner;
      this.effects = effects;
    }

    @Override
    public Outcome familyAdd(HookCommand.FamilyAdd command) {
      if (state != null) {
        throw HooknetException.refused(Errno.EEXIST, "family '%s' already exists", state.family);
      }
      return new Outcome(new FamilyState(command.family(), effects.context()), new Replies.Ack(0), effects, true);
    }

    @Override
    public Outcome familyRemove(HookCommand.FamilyRemove command) {
      FamilyState family = requireFamily(state, command.family(), Errno.ENXIO);
      if (!family.events.isEmpty()) {
        throw HooknetException.refused(Errno.EBUSY, "family '%s' still has %d events", family.family,
            family.events.size());
      }
      return new Outcome(null, new Replies.Ack(family.changes.seq), effects, true);
    }

    @Override
    public Outcome eventAdd(HookCommand.EventAdd command) {
      FamilyState family = requireFamily(state, command.family(), Errno.ENXIO);
      if (family.event(command.event()) != null) {
        throw HooknetException.refused(Errno.EEXIST, "event '%s' already exists in family '%s'", command.event(),
            family.family);
      }
      family.addEvent(new EventState(command.event(), effects.context()));
      effects.protocolChange(family, command.event(), owner.node(), Cmd.HN_REGISTER, Cause.REGISTERED);
      return new Outcome(family, new Replies.Ack(family.changes.seq), effects, true);
    }

    @Override
    public Outcome eventRemove(HookCommand.EventRemove command) {
      FamilyState family = requireFamily(state, command.family(), Errno.ENXIO);
      EventState event = requireEvent(family, command.event(), Errno.ENXIO);
      if (!event.chain.isEmpty()) {
        throw HooknetException.refused(Errno.EBUSY, "event %s/%s still has %d hooks", family.family, event.event,
            event.chain.size());
      }
      if (event.shutdown) {
        throw HooknetException.refused(Errno.ESHUTDOWN, "event %s/%s is already shutting down", family.family,
            event.event);
      }
      if (event.callbacks.isEmpty()) {
        family.removeEvent(event);
      } else {
        event.shutdown = true;
      }
      effects.protocolChange(family, command.event(), owner.node(), Cmd.HN_UNREGISTER, Cause.UNREGISTERED);
      return new Outcome(family, new Replies.Ack(family.changes.seq), effects, true);
    }

    @Override
    public Outcome hookRegister(HookCommand.HookRegister command) {
      return HookOps.register(state, command, owner, effects);
    }

    @Override
    public Outcome hookUnregister(HookCommand.HookUnregister command) {
      return HookOps.unregister(state, command, effects);
    }

    @Override
    public Outcome notifyRegister(HookCommand.NotifyRegister command) {
      return HookOps.notifyRegister(state, command, owner, effects);
    }

    @Override
    public Outcome notifyUnregister(HookCommand.NotifyUnregister command) {
      return HookOps.notifyUnregister(state, command, effects);
    }

    @Override
    public Outcome protocolNotifyRegister(HookCommand.ProtocolNotifyRegister command) {
      FamilyState family = requireFamily(state, command.family(), Errno.ESRCH);
      HookOps.registerCallback(HookOps.Site.of(family), command.address(), command.since(), owner, effects);
      return new Outcome(family, new Replies.Ack(family.changes.seq), effects, true);
    }

    @Override
    public Outcome protocolNotifyUnregister(HookCommand.ProtocolNotifyUnregister command) {
      FamilyState family = requireFamily(state, command.family(), Errno.ESRCH);
      HookOps.unregisterCallback(HookOps.Site.of(family), command.address(), effects);
      return new Outcome(family, new Replies.Ack(family.changes.seq), effects, true);
    }

    @Override
    public Outcome list(HookCommand.ListHooks command) {
      throw unchanging(command);
    }

    @Override
    public Outcome run(HookCommand.Run command) {
      throw unchanging(command);
    }

    @Override
    public Outcome stats(HookCommand.Stats command) {
      throw unchanging(command);
    }

    @Override
    public Outcome session(HookCommand.SessionOpen command) {
      throw unchanging(command);
    }

    @Override
    public Outcome sessionClose(HookCommand.SessionClose command) {
      throw unchanging(command);
    }

    private static HooknetException unchanging(HookCommand<?> command) {
      return HooknetException.refused(Errno.EINVAL, "%s does not change a family", command.getClass().getSimpleName());
    }
  }

  static FamilyState requireFamily(FamilyState state, String family, Errno missing) {
    if (state == null) {
      throw noFamily(family, missing);
    }
    return state;
  }

  /** The refusal of a command or read of family {@code family}, which does not exist. */
  static HooknetException noFamily(String family, Errno missing) {
    return HooknetException.refused(missing, "family '%s' does not exist", family);
  }

  static EventState requireEvent(FamilyState family, String event, Errno missing) {
    EventState found = family.event(event);
    if (found == null) {
      throw noEvent(family.family, event, missing);
    }
    return found;
  }

  /** The refusal of a command or read of {@code event}, which family {@code family} does not have. */
  static HooknetException noEvent(String family, String event, Errno missing) {
    return HooknetException.refused(missing, "event '%s' does not exist in family '%s'", event, family);
  }

  static int indexOf(List<Callback> callbacks, String address) {
    for (int i = 0; i < callbacks.size(); i++) {
      if (callbacks.get(i).address().equals(address)) {
        return i;
      }
    }
    return -1;
  }
}
