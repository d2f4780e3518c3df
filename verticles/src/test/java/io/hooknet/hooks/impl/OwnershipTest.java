package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.HookCommand;
import org.junit.jupiter.api.Test;

/** What a node remembers its owners registered, one record per registration and owner. */
class OwnershipTest {

  private static final HookCommand.HookRegister H = new HookCommand.HookRegister("f", "IN", "h", null, null, "a.h");

  @Test
  void twoOwnersOfOneNameThroughOneNodeAreBothRemembered() {
    Ownership ownership = new Ownership();
    Owner ended = new Owner("n2", "s1");
    Owner live = new Owner("n2", "s2");
    ownership.registered(H, ended, 1);
    // After a merge that dropped s1's side, s2 takes the name through the same node: s1's record must stay, so
    // that s1's end can still withdraw it.
    ownership.registered(H, live, 2);
    assertThat(ownership.of(owner -> true)).extracting(owned -> owned.owner().session())
        .containsExactly("s1", "s2");
    // A resumed registration keeps its first time.
    ownership.registered(H, new Owner("n3", "s1"), 9);
    assertThat(ownership.of(OwnerOps.ofSession("s1"))).extracting(OwnerOps.Owned::registeredAt).containsExactly(1L);

    ownership.lost(H.registration(), ended);
    assertThat(ownership.of(owner -> true)).extracting(owned -> owned.owner().session()).containsExactly("s2");
    ownership.registered(H, ended, 3);
    ownership.unregistered(H.registration());
    assertThat(ownership.of(owner -> true)).isEmpty();
  }
}
