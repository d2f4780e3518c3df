package io.hooknet.hooks.impl;

import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookCommand.Registration;
import io.hooknet.hooks.impl.FamilyState.Callback;
import io.hooknet.hooks.impl.FamilyState.EventState;
import io.hooknet.hooks.impl.OwnerOps.Owned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What this node and the sessions anchored at it own, in the order it was registered: the node's own copy, since
 * after a split-brain merge the stored registry may be the other side's. Kept from the changes made through this
 * node, and adopted from the stored registry when a session resumes here. Used on one event loop.
 */
final class Ownership {

  private final Map<Registration, Owned> owned = new LinkedHashMap<>();
  /** Registrations whose unregistration is under way: not asserted again meanwhile, or it could be put back. */
  private final Map<Registration, Integer> leaving = new HashMap<>();
  /**
   * The latest registrations unregistered through this node, as they were: a copy of their family from before
   * (the other side of a split, kept by the merge; a backup that missed the change) may still hold them.
   */
  private final Map<Registration, Owned> unregistered = BoundedMaps.latestPut(UNREGISTERED);
  private static final int UNREGISTERED = 4096;

  /**
   * {@code owner}'s registration went through this node; gives the registration of another owner that this node
   * held under the same name, which the family no longer has (it took this one), or null.
   */
  Owned registered(HookCommand.Registers command, Owner owner, long registeredAt) {
    Registration key = command.registration();
    Owned previous = owned.get(key);
    // A resumed callback keeps its first registration, which decides merge conflicts.
    if (previous == null || !previous.owner().same(owner)) {
      owned.put(key, new Owned((HookCommand<?>) command, owner, registeredAt));
    }
    return previous == null || previous.owner().same(owner) ? null : previous;
  }

  /** An unregistration of {@code registration} is under way, until {@link #unregistered} with its outcome. */
  void unregistering(Registration registration) {
    leaving.merge(registration, 1, Integer::sum);
  }

  /** The unregistration under way is over; when it {@code succeeded} the registration is no longer owned. */
  void unregistered(Registration registration, boolean succeeded) {
    leaving.computeIfPresent(registration, (key, count) -> count > 1 ? count - 1 : null);
    if (succeeded) {
      Owned was = owned.remove(registration);
      if (was != null) {
        unregistered.remove(registration);
        unregistered.put(registration, was);
      }
    }
  }

  /** The latest registrations unregistered through this node and not registered again since, oldest first. */
  List<Owned> unregistered() {
    List<Owned> found = new ArrayList<>();
    unregistered.forEach((registration, was) -> {
      if (!owned.containsKey(registration)) {
        found.add(was);
      }
    });
    return found;
  }

  /**
   * Forgets {@code owner}'s registration made at {@code registeredAt}, which went for good before an assertion of it
   * came; whether this node held it (not a registration of the name made since).
   */
  boolean gone(Registration registration, Owner owner, long registeredAt) {
    Owned held = owned.get(registration);
    if (held != null && held.owner().same(owner) && held.registeredAt() == registeredAt) {
      owned.remove(registration);
      return true;
    }
    return false;
  }

  /** Forgets a registration that another kept in a merge. */
  void lost(Registration registration, Owner owner) {
    Owned held = owned.get(registration);
    if (held != null && held.owner().same(owner)) {
      owned.remove(registration);
    }
  }

  void forget(Predicate<Owner> gone) {
    owned.values().removeIf(registration -> gone.test(registration.owner()));
  }

  /** What the owners {@code which} hold, in registration order. */
  List<Owned> of(Predicate<Owner> which) {
    List<Owned> found = new ArrayList<>();
    owned.values().forEach(registration -> {
      if (which.test(registration.owner())
          && !leaving.containsKey(((HookCommand.Registers) registration.command()).registration())) {
        found.add(registration);
      }
    });
    return found;
  }

  /** Takes over what session {@code session} holds in {@code family}, now that it is anchored at {@code node}. */
  void adopt(FamilyState family, String session, String node) {
    Owner owner = new Owner(node, session);
    for (Callback callback : family.callbacks) {
      if (session.equals(callback.session())) {
        keep(new HookCommand.ProtocolNotifyRegister(family.family, callback.address()), owner,
            callback.registeredAt());
      }
    }
    for (EventState event : family.events) {
      for (HookChain.Link link : event.chain) {
        if (session.equals(link.session())) {
          keep(new HookCommand.HookRegister(family.family, event.event, link.hook(), link.hint(), link.hintValue(),
              link.address()), owner, link.registeredAt());
        }
      }
      for (Callback callback : event.callbacks) {
        if (session.equals(callback.session())) {
          keep(new HookCommand.NotifyRegister(family.family, event.event, callback.address()), owner,
              callback.registeredAt());
        }
      }
    }
  }

  private void keep(HookCommand.Registers command, Owner owner, long registeredAt) {
    owned.putIfAbsent(command.registration(), new Owned((HookCommand<?>) command, owner, registeredAt));
  }
}
