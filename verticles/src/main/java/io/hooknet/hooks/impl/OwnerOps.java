package io.hooknet.hooks.impl;

import static io.hooknet.hooks.impl.RegistryOps.indexOf;

import io.hooknet.codec.ChangeId;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The rules about owners as a whole: what goes when an owner goes (a node that left, a session that ended), and
 * what a node asserts again after a split-brain merge.
 *
 * <h2>Merge conflicts</h2>
 * During a split both sides accept registrations. When the sides merge, Hazelcast keeps one side's stored family
 * (the larger side's), and every node of the other side asserts again what it and the sessions anchored at it
 * own ({@link #reassert}). A name held on both sides by different owners keeps exactly one: the registration made
 * first (its {@code registeredAt}, the registering node's clock), and for equal times the owner whose
 * {@link Owner#key()} sorts first. The other is removed, or not put back, and its owner is told
 * {@code HN_UNREGISTER} with cause {@code MERGE_CONFLICT}; callbacks that see the survivor replace it get the same.
 * The callbacks the re-asserting node delivers saw the other side's history, so each is re-synchronised: it is
 * told which hooks it knew are gone ({@code MERGE_CONFLICT}) and is given the chain with cause {@code RESYNC}.
 */
final class OwnerOps {

  /** A registration a node asserts again after a merge: the command that made it, its owner and its time. */
  record Owned(HookCommand<?> command, Owner owner, long registeredAt) {
  }

  /**
   * A callback's stream that a node delivers, as far as it has got: {@code last} is the last change it was given
   * ({@code event} null: a protocol callback of the family).
   */
  record Given(String event, String address, ChangeId last) {

    /** A callback of the node with no stream there at all ({@code last} null): it is re-synchronised. */
    static Given notStreamed(String event, String address) {
      return new Given(event, address, null);
    }
  }

  private OwnerOps() {
  }

  /** The registrations of node {@code node} itself (not those of sessions anchored there). */
  static Predicate<Owner> ofNode(String node) {
    return owner -> !owner.sessionOwned() && owner.node().equals(node);
  }

  /** The registrations of session {@code session}. */
  static Predicate<Owner> ofSession(String session) {
    return owner -> session.equals(owner.session());
  }

  /**
   * Removes every registration of the owners {@code gone} matches: each hook is told to the remaining callbacks
   * as {@code HN_UNREGISTER} with {@code cause}, each callback's stream is stopped. Running it again changes
   * nothing, so every node may run it and each hook is reported once.
   */
  static Outcome removeOwned(FamilyState family, Predicate<Owner> gone, Cause cause, Effects effects) {
    return removeOwned(family, gone, Long.MAX_VALUE, cause, effects);
  }

  /** As above, of the registrations made before {@code before} (ms, by the clock of the node that made them). */
  static Outcome removeOwned(FamilyState family, Predicate<Owner> gone, long before, Cause cause,
      Effects effects) {
    boolean changed = dropCallbacks(HookOps.Site.of(family), gone, before, effects);
    for (EventState event : new ArrayList<>(family.events)) {
      changed |= dropCallbacks(HookOps.Site.of(family, event), gone, before, effects);
      for (int i = 0; i < event.chain.size(); i++) {
        HookChain.Link link = event.chain.get(i);
        if (gone.test(link.owner()) && link.registeredAt() < before) {
          HookOps.remove(family, event, i--, cause, effects);
          changed = true;
        }
      }
      if (event.shutdown && event.callbacks.isEmpty()) {
        family.removeEvent(event);
      }
    }
    return new Outcome(family, new Replies.Ack(0), effects, changed);
  }

  private static boolean dropCallbacks(HookOps.Site site, Predicate<Owner> gone, long before, Effects effects) {
    boolean changed = false;
    for (Callback callback : new ArrayList<>(site.callbacks())) {
      if (gone.test(callback.owner()) && callback.registeredAt() < before) {
        site.callbacks().remove(callback);
        effects.replay(site.key(callback.address()), callback, StreamChange.STOP, site.changes().current(),
            List.of());
        changed = true;
      }
    }
    return changed;
  }

  /**
   * Asserts again, after a merge, what node {@code node} and its sessions own in this family (see the class
   * comment), then re-synchronises every callback {@code node} delivers here.
   */
  static Outcome reassert(FamilyState family, String name, List<Owned> owned, String node, Effects effects) {
    return reassert(family, name, owned, List.of(), node, true, effects);
  }

  /**
   * As above; with {@code resyncAll} false (a node that stayed in the cluster while another merged back, or saw one
   * leave), only the callbacks that had to be put back are re-synchronised, and each stream of {@code given} that
   * has not got to the family's latest change is sent the changes after its last: the node that made those may
   * have died before it sent them, and with no later change the stream would never notice.
   */
  static Outcome reassert(FamilyState family, String name, List<Owned> owned, List<Given> given, String node,
      boolean resyncAll, Effects effects) {
    return reassert(family, name, owned, List.of(), given, node, resyncAll, effects);
  }

  /**
   * As above, first taking out of the family what {@code unregistered} names: registrations unregistered through
   * {@code node}, which a copy of the family from before their unregistration (the side of a split the merge kept,
   * a backup that missed the change) still holds, each as it was (the same owner, made at the same time).
   */
  static Outcome reassert(FamilyState family, String name, List<Owned> owned, List<Owned> unregistered,
      List<Given> given, String node, boolean resyncAll, Effects effects) {
    if (family == null) {
      owned.forEach(registration -> lose(name, registration, null, effects));
      return new Outcome(null, new Replies.Ack(0), effects, false);
    }
    // Callbacks first: one taken out is told nothing more, not even the removal of a hook taken out with it.
    unregistered.stream().filter(registration -> !(registration.command() instanceof HookCommand.HookRegister))
        .forEach(registration -> withdrawUnregistered(family, registration, effects));
    unregistered.stream().filter(registration -> registration.command() instanceof HookCommand.HookRegister)
        .forEach(registration -> withdrawUnregistered(family, registration, effects));
    Set<String> putBack = new HashSet<>();
    for (Owned registration : owned) {
      HookCommand.Registration what = ((HookCommand.Registers) registration.command()).registration();
      switch (what.kind()) {
        case HOOK:
          reassertHook(family, (HookCommand.HookRegister) registration.command(), registration, false, effects);
          break;
        case CALLBACK:
          EventState event = family.event(what.event());
          if (event != null && !event.shutdown
              && reassertCallback(HookOps.Site.of(family, event), what.name(), registration, node, effects)) {
            putBack.add(what.name());
          }
          break;
        default:
          if (reassertCallback(HookOps.Site.of(family), what.name(), registration, node, effects)) {
            putBack.add(what.name());
          }
      }
    }
    for (Given stream : given) {
      if (stream.last() == null) {
        putBack.add(stream.address());
      }
    }
    Predicate<Callback> resynced = callback -> resyncAll || putBack.contains(callback.address());
    resync(HookOps.Site.of(family), node, resynced, effects);
    family.events.forEach(event -> resync(HookOps.Site.of(family, event), node, resynced, effects));
    for (Given stream : given) {
      EventState event = stream.event() == null ? null : family.event(stream.event());
      if (stream.last() != null && (stream.event() == null || event != null)) {
        catchUp(stream.event() == null ? HookOps.Site.of(family) : HookOps.Site.of(family, event), stream, node,
            resynced, effects);
      }
    }
    return new Outcome(family, new Replies.Ack(0), effects, true);
  }

  /**
   * Brings a stream of {@code node} that is behind the site's latest change up to it, as a gap fill would: unless
   * its callback went (its teardown goes its own way), is delivered elsewhere now, or is re-synchronised already.
   */
  private static void catchUp(HookOps.Site site, Given stream, String node, Predicate<Callback> resynced,
      Effects effects) {
    int index = indexOf(site.callbacks(), stream.address());
    if (index < 0 || stream.last().equals(site.changes().current())) {
      return;
    }
    Callback callback = site.callbacks().get(index);
    if (callback.node().equals(node) && !resynced.test(callback)) {
      site.changes().overtake(stream.last(), effects.context());
      HookOps.catchUp(site, callback, stream.last(), StreamChange.FILL, effects);
    }
  }

  /**
   * Takes out a registration unregistered since the family was copied: a hook is told to the callbacks as
   * unregistered; a callback, whose teardown went out with the unregistration, is stopped without one.
   */
  private static void withdrawUnregistered(FamilyState family, Owned registration, Effects effects) {
    HookCommand.Registration what = ((HookCommand.Registers) registration.command()).registration();
    EventState event = what.event() == null ? null : family.event(what.event());
    if (what.event() != null && event == null) {
      return;
    }
    if (what.kind() == HookCommand.Registration.Kind.HOOK) {
      int position = event.hooks().indexOf(what.name());
      if (position >= 0 && isThe(registration, event.chain.get(position).owner(),
          event.chain.get(position).registeredAt())) {
        HookOps.remove(family, event, position, Cause.UNREGISTERED, effects);
      }
      return;
    }
    HookOps.Site site = event == null ? HookOps.Site.of(family) : HookOps.Site.of(family, event);
    int index = indexOf(site.callbacks(), what.name());
    if (index >= 0 && isThe(registration, site.callbacks().get(index).owner(),
        site.callbacks().get(index).registeredAt())) {
      Callback callback = site.callbacks().remove(index);
      effects.replay(site.key(callback.address()), callback, StreamChange.STOP, site.changes().current(), List.of());
      if (event != null && event.shutdown && event.callbacks.isEmpty()) {
        family.removeEvent(event);
      }
    }
  }

  /** Whether a registration held by {@code owner}, made at {@code registeredAt}, is {@code registration}. */
  private static boolean isThe(Owned registration, Owner owner, long registeredAt) {
    return registeredAt == registration.registeredAt() && owner.same(registration.owner());
  }

  /**
   * Removes what session {@code session} held here, as the node that made its registrations knows them
   * ({@code owned}): those the stored family lacks (made on a side of a split the cluster did not keep) are put back
   * first where no one else holds the name, so that every callback is told of each removal with {@code cause}; not
   * those the family has as gone for good (another node's clean-up after the session came first, say).
   * The caller forgets what it withdrew, so that each registration is withdrawn once.
   */
  static Outcome withdraw(FamilyState family, List<Owned> owned, String session, Cause cause, Effects effects) {
    for (Owned registration : owned) {
      if (registration.command() instanceof HookCommand.HookRegister) {
        reassertHook(family, (HookCommand.HookRegister) registration.command(), registration, true, effects);
      }
    }
    return removeOwned(family, ofSession(session), cause, effects);
  }

  /** Puts one hook back; {@code yielding} (its owner has ended), only where the name is free, telling no loss. */
  private static void reassertHook(FamilyState family, HookCommand.HookRegister command, Owned registration,
      boolean yielding, Effects effects) {
    EventState event = family.event(command.event());
    HookChain.Link ours = new HookChain.Link(command.hook(), command.hint(), command.hintValue(),
        command.address(), registration.owner().node(), registration.owner().session(), registration.registeredAt());
    if (event == null || event.shutdown) {
      if (!yielding) {
        lose(family.family, registration, event, effects);
      }
      return;
    }
    int position = event.hooks().indexOf(command.hook());
    if (position >= 0 && event.chain.get(position).owner().same(registration.owner())) {
      return;
    }
    // Gone for good since it was asked (unregistered, through whichever node and by whichever client, or its
    // session's clean-up came first): it stays gone. The node asserting a live owner's registration forgets it,
    // told as gone with the removal's cause; the owner is told nothing (the callbacks were, at the removal).
    FamilyState.Removed removed = FamilyState.Removed.find(family, event.event, ours);
    if (removed != null) {
      if (!yielding) {
        effects.lost.add(lost(family.family, registration, event.changes.current(), removed.cause()));
      }
      return;
    }
    if (yielding && (position >= 0 || !fits(event, -1, ours))) {
      return;
    }
    if (position >= 0 && !wins(ours.registeredAt(), ours.owner(), event.chain.get(position))) {
      lose(family.family, registration, event, effects);
      return;
    }
    if (!fits(event, position, ours)) {
      lose(family.family, registration, event, effects);
      return;
    }
    if (position >= 0) {
      HookChain.Link theirs = event.chain.get(position);
      effects.lost.add(new Effects.Lost(theirs.owner(), HookOps.remove(family, event, position,
          Cause.MERGE_CONFLICT, effects), theirs.registeredAt()));
    }
    HookOps.insert(family, event, ours, Cause.REGISTERED, effects);
  }

  /** Whether {@code link} can go into the chain once the hook at {@code replacing} (or none, -1) is out. */
  private static boolean fits(EventState event, int replacing, HookChain.Link link) {
    List<HookChain.Link> links = new ArrayList<>(event.chain);
    if (replacing >= 0) {
      links.remove(replacing);
    }
    try {
      new HookChain(links).insert(link);
      return true;
    } catch (HooknetException e) {
      return false;
    }
  }

  /** Puts the callback back, or anchors it here; whether it had to be put back (it missed what came meanwhile). */
  private static boolean reassertCallback(HookOps.Site site, String address, Owned registration, String node,
      Effects effects) {
    Callback ours = new Callback(address, node, registration.owner().session(), registration.registeredAt());
    int index = indexOf(site.callbacks(), address);
    if (index < 0) {
      site.callbacks().add(ours);
      return true;
    }
    Callback theirs = site.callbacks().get(index);
    if (theirs.owner().same(registration.owner())) {
      site.callbacks().set(index, theirs.anchoredAt(node));
    } else if (wins(ours.registeredAt(), ours.owner(), theirs)) {
      site.callbacks().set(index, ours);
      effects.replay(site.key(address), theirs, StreamChange.STOP, site.changes().current(), List.of());
      return true;
    }
    return false;
  }

  private static void resync(HookOps.Site site, String node, Predicate<Callback> which, Effects effects) {
    for (Callback callback : site.callbacks()) {
      if (callback.node().equals(node) && which.test(callback)) {
        CallbackKey key = site.key(callback.address());
        effects.replay(key, callback, StreamChange.MERGE_RESYNC, site.changes().current(),
            effects.replayed(() -> site.replay().apply(Cause.RESYNC, node)));
      }
    }
  }

  /** Tells the owner of a re-asserted hook that it was not put back. */
  private static void lose(String family, Owned registration, EventState event, Effects effects) {
    Effects.Lost lost = lost(family, registration, event == null ? new ChangeId(0, 0) : event.changes.current());
    if (lost != null) {
      effects.lost.add(lost);
    }
  }

  /**
   * What the owner of a hook registration is told when another registration keeps its name after a merge, as of
   * change {@code at}; null for a callback's.
   */
  static Effects.Lost lost(String family, Owned registration, ChangeId at) {
    return registration.command() instanceof HookCommand.HookRegister
        ? lost(family, registration, at, Cause.MERGE_CONFLICT) : null;
  }

  /**
   * A hook registration that is no longer in the family, as of change {@code at}: lost to another registration in a
   * merge ({@code MERGE_CONFLICT}, told to its owner), or gone for good before an assertion of it came (its
   * {@code cause}: only the asserting node forgets it).
   */
  private static Effects.Lost lost(String family, Owned registration, ChangeId at, Cause cause) {
    HookCommand.HookRegister hook = (HookCommand.HookRegister) registration.command();
    return new Effects.Lost(registration.owner(), new HookEvent(Cmd.HN_UNREGISTER, family, hook.event(),
        hook.hook(), registration.owner().node(), registration.owner().session(), hook.hint(), hook.hintValue(), -1,
        at.epoch(), at.seq(), false, cause), registration.registeredAt());
  }

  /** The merge rule: the registration made first keeps the name; for equal times, the owner's key decides. */
  static boolean wins(long registeredAt, Owner owner, HookChain.Link other) {
    return wins(registeredAt, owner, other.registeredAt(), other.owner());
  }

  private static boolean wins(long registeredAt, Owner owner, Callback other) {
    return wins(registeredAt, owner, other.registeredAt(), other.owner());
  }

  private static boolean wins(long registeredAt, Owner owner, long otherAt, Owner other) {
    if (registeredAt != otherAt) {
      return registeredAt < otherAt;
    }
    return owner.key().compareTo(other.key()) < 0;
  }
}
