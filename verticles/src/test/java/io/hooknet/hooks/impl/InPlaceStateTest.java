package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.Errno;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.RegistryOps.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The registry keeps each family as an object that its entry processors change where it lies, with indexes of
 * its events and of each chain's hooks that are not stored. Applied in place, every change gives the same state
 * and the same effects as the same change applied to the family read back from its stored form; a refused change
 * leaves the object as it was; and a backup's run, which tells no one, stores the same state without building
 * replays.
 */
class InPlaceStateTest {

  private final List<String> refused = new ArrayList<>();
  private long clock = 100;
  private FamilyState inPlace;
  private FamilyState stored;

  @Test
  void changesInPlaceGiveWhatChangesOfTheStoredFormGive() {
    apply(new HookCommand.FamilyAdd("inet"), "n1");
    for (String event : new String[] {"IN", "OUT", "FWD"}) {
      apply(new HookCommand.EventAdd("inet", event), "n1");
    }
    apply(new HookCommand.NotifyRegister("inet", "IN", "cb1"), "n2");
    for (int i = 0; i < 40; i++) {
      apply(new HookCommand.HookRegister("inet", "IN", "h" + i, Hint.NONE, null, "addr.h" + i), "n" + (i % 3 + 1));
    }
    apply(new HookCommand.HookRegister("inet", "IN", "w", Hint.BEFORE, "later", "addr.w"), "n1");
    apply(new HookCommand.HookRegister("inet", "IN", "later", Hint.NONE, null, "addr.later"), "n1");
    apply(new HookCommand.HookRegister("inet", "IN", "first", Hint.FIRST, null, "addr.first"), "n2");
    apply(new HookCommand.HookRegister("inet", "IN", "h7", Hint.NONE, null, "addr.again"), "n1");
    apply(new HookCommand.HookRegister("inet", "IN", "second", Hint.FIRST, null, "addr.second"), "n1");
    apply(new HookCommand.HookRegister("inet", "IN", "x", Hint.AFTER, "x", "addr.x"), "n1");
    apply(new HookCommand.HookUnregister("inet", "IN", "h3"), "n1");
    apply(new HookCommand.HookUnregister("inet", "IN", "h3"), "n1");
    apply(new HookCommand.HookRegister("inet", "IN", "h3", Hint.LAST, null, "addr.h3"), "n3");
    apply(new HookCommand.EventRemove("inet", "OUT"), "n1");
    apply(new HookCommand.EventAdd("inet", "OUT"), "n1");
    apply(new HookCommand.EventAdd("inet", "FWD"), "n1");
    apply(new HookCommand.NotifyRegister("inet", "FWD", "cb2"), "n2");
    apply(new HookCommand.EventRemove("inet", "FWD"), "n1");
    apply(new HookCommand.HookRegister("inet", "FWD", "late", Hint.NONE, null, "addr.late"), "n1");
    both((state, context) -> OwnerOps.removeOwned(state, OwnerOps.ofNode("n2"), Cause.NODE_LEFT,
        new Effects(context)));
    apply(new HookCommand.HookRegister("inet", "IN", "h1", Hint.NONE, null, "addr.h1"), "n1");
    apply(new HookCommand.NotifyUnregister("inet", "IN", "cb1"), "n2");

    assertThat(refused).containsExactly("EEXIST", "EBUSY", "EINVAL", "ENXIO", "EEXIST", "ESHUTDOWN", "ESRCH");
    List<String> chain = new ArrayList<>();
    inPlace.event("IN").chain.forEach(link -> chain.add(link.hook()));
    // n2's hooks (h1, h4, ..., first) went with it; h3 came back LAST; a hook without a hint goes before it.
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      if (i % 3 != 1 && i != 3) {
        expected.add("h" + i);
      }
    }
    expected.addAll(List.of("w", "later", "h1", "h3"));
    assertThat(chain).isEqualTo(expected);
    assertThat(inPlace.event("FWD")).isNull();
    assertThat(inPlace.events).extracting(event -> event.event).containsExactly("IN", "OUT");
  }

  @Test
  void aBackupStoresWhatTheOwnerStoredWithoutBuildingReplays() {
    apply(new HookCommand.FamilyAdd("inet"), "n1");
    apply(new HookCommand.EventAdd("inet", "IN"), "n1");
    for (int i = 0; i < 5; i++) {
      apply(new HookCommand.HookRegister("inet", "IN", "h" + i, Hint.NONE, null, "addr.h" + i), "n1");
    }
    FamilyState replica = Mapping.fromCborBytes(Mapping.toCborBytes(inPlace), FamilyState.class);
    ChangeContext context = context();
    HookCommand.NotifyRegister register = new HookCommand.NotifyRegister("inet", "IN", "cb1");
    Outcome owner = RegistryOps.apply(inPlace, register, Owner.node("n2"), new Effects(context));
    Outcome backup = RegistryOps.apply(replica, register, Owner.node("n2"), new Effects(context).untold(true));
    assertThat(owner.effects().replays.get(0).events()).hasSize(6);
    assertThat(backup.effects().replays).hasSize(1);
    assertThat(backup.effects().replays.get(0).events()).isEmpty();
    assertThat(Mapping.toCborBytes(replica)).isEqualTo(Mapping.toCborBytes(inPlace));
  }

  private void apply(HookCommand<?> command, String node) {
    both((state, context) -> RegistryOps.apply(state, command, Owner.node(node), context));
  }

  /** Applies one change to the object in place and to a copy read from the stored form; both must agree. */
  private void both(BiFunction<FamilyState, ChangeContext, Outcome> change) {
    ChangeContext context = context();
    FamilyState copy = stored == null ? null : Mapping.fromCborBytes(Mapping.toCborBytes(stored), FamilyState.class);
    byte[] before = inPlace == null ? null : Mapping.toCborBytes(inPlace);
    Outcome here;
    try {
      here = change.apply(inPlace, context);
    } catch (HooknetException e) {
      refused.add(Errno.of(e.errno()).orElseThrow().name());
      assertThat(Mapping.toCborBytes(inPlace)).as("refused: unchanged").isEqualTo(before);
      assertThat(catchErrno(() -> change.apply(copy, context))).isEqualTo(e.errno());
      return;
    }
    Outcome there = change.apply(copy, context);
    assertThat(Mapping.toCborBytes(here.state())).isEqualTo(Mapping.toCborBytes(there.state()));
    assertThat(Mapping.toCborBytes(here.effects().notices)).isEqualTo(Mapping.toCborBytes(there.effects().notices));
    assertThat(Mapping.toCborBytes(here.effects().replays)).isEqualTo(Mapping.toCborBytes(there.effects().replays));
    assertThat(here.reply()).isEqualTo(there.reply());
    if (here.changed()) {
      inPlace = here.state();
      stored = there.state();
    }
  }

  private static int catchErrno(Runnable change) {
    try {
      change.run();
      return 0;
    } catch (HooknetException e) {
      return e.errno();
    }
  }

  private ChangeContext context() {
    return new ChangeContext(1, 7, 16, clock++, 0);
  }
}
