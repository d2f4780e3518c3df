package io.hooknet.hooks.impl;

import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookCommand.Registration;
import io.hooknet.hooks.impl.FamilyState.Callback;
import io.hooknet.hooks.impl.FamilyState.EventState;
import io.hooknet.hooks.impl.OwnerOps.Owned;
import java.util.ArrayList;
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

  /**
   * One record per registration and owner: after a split two owners may each hold a name through this node (one
   * on each side), and the record of the one the merged registry lacks must survive the other's.
   */
  private record Key(Registration registration, String owner) {
  }

  private final Map<Key, Owned> owned = new LinkedHashMap<>();

  void registered(HookCommand.Registers command, Owner owner, long registeredAt) {
    // A resumed callback keeps its first registration, which decides merge conflicts.
    owned.putIfAbsent(new Key(command.registration(), owner.key()),
        new Owned((HookCommand<?>) command, owner, registeredAt));
  }

  /** The registration is gone, whoever held it. */
  void unregistered(Registration registration) {
    owned.keySet().removeIf(key -> key.registration().equals(registration));
  }

  /** Forgets a registration of {@code owner} that another kept in a merge, or that was withdrawn. */
  void lost(Registration registration, Owner owner) {
    owned.remove(new Key(registration, owner.key()));
  }

  void forget(Predicate<Owner> gone) {
    owned.values().removeIf(registration -> gone.test(registration.owner()));
  }

  /** What the owners {@code which} hold, in registration order. */
  List<Owned> of(Predicate<Owner> which) {
    List<Owned> found = new ArrayList<>();
    owned.values().forEach(registration -> {
      if (which.test(registration.owner())) {
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
    owned.putIfAbsent(new Key(command.registration(), owner.key()),
        new Owned((HookCommand<?>) command, owner, registeredAt));
  }
}
