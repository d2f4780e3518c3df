package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hooknet.codec.Hint;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.RegistryOps.Notice;
import io.hooknet.hooks.impl.RegistryOps.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry's rules on one family's state, as {@code net_event_notify_register(9F)} and hook.c give them:
 * replay, teardown, errno paths, callbacks in registration order, and the clean-up after a node leaves. Every
 * step goes through the stored (CBOR) form, as it does in the cluster.
 */
class RegistryOpsTest {

  private FamilyState family;

  @BeforeEach
  void start() {
    apply(new HookCommand.FamilyAdd("inet"), "n1");
    apply(new HookCommand.EventAdd("inet", "PHYSICAL_IN"), "n1");
  }

  @Test
  void aNewCallbackGetsAReplayOfTheChainInOrderThenLiveChanges() {
    register("a", Hint.NONE, null, "n1");
    register("c", Hint.NONE, null, "n2");
    register("b", Hint.BEFORE, "c", "n3");
    Outcome subscribed = apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n2");
    assertThat(subscribed.notices()).extracting(notice -> notice.event().hook()).containsExactly("a", "b", "c");
    assertThat(subscribed.notices()).allSatisfy(notice -> {
      assertThat(notice.address()).isEqualTo("cb1");
      assertThat(notice.owner()).isEqualTo("n2");
      assertThat(notice.event().cmd()).isEqualTo(Cmd.HN_REGISTER);
      assertThat(notice.event().cause()).isEqualTo(Cause.REPLAY);
      assertThat(notice.event().replay()).isTrue();
      assertThat(notice.event().seq()).isEqualTo(3);
    });
    assertThat(subscribed.notices()).extracting(notice -> notice.event().position()).containsExactly(0, 1, 2);
    assertThat(subscribed.published()).isEmpty();

    Outcome live = register("d", Hint.FIRST, null, "n1");
    assertThat(live.notices()).containsExactly(new Notice("cb1", "n2", new HookEvent(Cmd.HN_REGISTER, "inet",
        "PHYSICAL_IN", "d", "n1", Hint.FIRST, null, 0, 4, false, Cause.REGISTERED)));
    assertThat(live.published()).containsExactly(live.notices().get(0).event());
  }

  @Test
  void callbacksAreToldInRegistrationOrderWithTheSameArguments() {
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb2"), "n3");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n1");
    Outcome live = register("a", Hint.NONE, null, "n2");
    assertThat(live.notices()).extracting(Notice::address).containsExactly("cb2", "cb1");
    assertThat(live.notices().get(0).event()).isEqualTo(live.notices().get(1).event());
  }

  @Test
  void unregisteringACallbackTearsDownTheRemainingHooksToItOnly() {
    register("a", Hint.NONE, null, "n1");
    register("b", Hint.NONE, null, "n1");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n1");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb2"), "n1");
    Outcome gone = apply(new HookCommand.NotifyUnregister("inet", "PHYSICAL_IN", "cb1"), "n1");
    assertThat(gone.notices()).extracting(Notice::address).containsOnly("cb1");
    assertThat(gone.notices()).extracting(notice -> notice.event().hook() + " " + notice.event().cmd() + " "
        + notice.event().cause()).containsExactly("a HN_UNREGISTER TEARDOWN", "b HN_UNREGISTER TEARDOWN");
    assertThat(register("c", Hint.NONE, null, "n1").notices()).extracting(Notice::address).containsExactly("cb2");
  }

  @Test
  void errnoPaths() {
    register("a", Hint.NONE, null, "n1");
    assertErrno(17, "EEXIST: on inet/PHYSICAL_IN: hook 'a' is already in the chain",
        () -> register("a", Hint.NONE, null, "n2"));
    assertErrno(6, "ENXIO: event 'NOPE' does not exist in family 'inet'",
        () -> apply(new HookCommand.HookRegister("inet", "NOPE", "x", null, null, "addr"), "n1"));
    assertErrno(6, "ENXIO: hook 'x' is not on inet/PHYSICAL_IN",
        () -> apply(new HookCommand.HookUnregister("inet", "PHYSICAL_IN", "x"), "n1"));
    assertErrno(16, "EBUSY: on inet/PHYSICAL_IN: hook 'f' is already FIRST", () -> {
      register("f", Hint.FIRST, null, "n1");
      register("g", Hint.FIRST, null, "n1");
    });
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n1");
    assertErrno(17, "EEXIST: callback 'cb1' is already registered on inet/PHYSICAL_IN",
        () -> apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n2"));
    assertErrno(3, "ESRCH: event 'NOPE' does not exist in family 'inet'",
        () -> apply(new HookCommand.NotifyRegister("inet", "NOPE", "cb9"), "n1"));
    assertErrno(3, "ESRCH: callback 'cb9' is not registered on inet/PHYSICAL_IN",
        () -> apply(new HookCommand.NotifyUnregister("inet", "PHYSICAL_IN", "cb9"), "n1"));
    assertErrno(17, "EEXIST: family 'inet' already exists", () -> apply(new HookCommand.FamilyAdd("inet"), "n1"));
    assertErrno(16, "EBUSY: family 'inet' still has 1 events", () -> apply(new HookCommand.FamilyRemove("inet"), "n1"));
    assertErrno(16, "EBUSY: event inet/PHYSICAL_IN still has 2 hooks",
        () -> apply(new HookCommand.EventRemove("inet", "PHYSICAL_IN"), "n1"));
  }

  @Test
  void aShutDownEventRefusesHooksAndCallbacksAndGoesWithItsLastCallback() {
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n1");
    apply(new HookCommand.EventRemove("inet", "PHYSICAL_IN"), "n1");
    assertErrno(108, "ESHUTDOWN: event inet/PHYSICAL_IN is shutting down",
        () -> apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb2"), "n1"));
    assertErrno(108, "ESHUTDOWN: event inet/PHYSICAL_IN is shutting down",
        () -> register("a", Hint.NONE, null, "n1"));
    apply(new HookCommand.NotifyUnregister("inet", "PHYSICAL_IN", "cb1"), "n1");
    assertThat(family.events).isEmpty();
  }

  @Test
  void aNodeThatLeftLosesItsHooksAndCallbacksOnceEach() {
    register("a", Hint.NONE, null, "n1");
    register("b", Hint.NONE, null, "n2");
    register("c", Hint.NONE, null, "n2");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n1");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb2"), "n2");
    Outcome left = store(HookOps.nodeLeft(family, "n2"));
    assertThat(left.notices()).extracting(notice -> notice.address() + " " + notice.event().hook() + " "
        + notice.event().cause() + " " + notice.event().seq()).containsExactly("cb1 b NODE_LEFT 4", "cb1 c NODE_LEFT 5");
    assertThat(left.notices()).extracting(notice -> notice.event().position()).containsExactly(1, 1);
    assertThat(left.published()).hasSize(2);
    assertThat(store(HookOps.nodeLeft(family, "n2")).notices()).isEmpty();
    assertThat(family.event("PHYSICAL_IN").chain).extracting(HookChain.Link::hook).containsExactly("a");
    assertThat(family.event("PHYSICAL_IN").hooksRemoved).isEqualTo(2);
  }

  @Test
  void protocolCallbacksHearOfEventsWithReplay() {
    Outcome subscribed = apply(new HookCommand.ProtocolNotifyRegister("inet", "pcb"), "n1");
    assertThat(subscribed.notices()).extracting(notice -> notice.event().event() + " " + notice.event().cause())
        .containsExactly("PHYSICAL_IN REPLAY");
    Outcome added = apply(new HookCommand.EventAdd("inet", "PHYSICAL_OUT"), "n2");
    assertThat(added.notices()).containsExactly(new Notice("pcb", "n1", new HookEvent(Cmd.HN_REGISTER, "inet",
        "PHYSICAL_OUT", null, "n2", null, null, -1, 2, false, Cause.REGISTERED)));
    assertErrno(3, "ESRCH: family 'nope' does not exist",
        () -> RegistryOps.apply(null, new HookCommand.ProtocolNotifyRegister("nope", "pcb"), "n1"));
  }

  private Outcome register(String hook, Hint hint, String hintValue, String node) {
    return apply(new HookCommand.HookRegister("inet", "PHYSICAL_IN", hook, hint, hintValue, "addr." + hook), node);
  }

  private Outcome apply(HookCommand command, String node) {
    FamilyState stored = family == null ? null : Mapping.fromCborBytes(Mapping.toCborBytes(family), FamilyState.class);
    return store(RegistryOps.apply(stored, command, node));
  }

  private Outcome store(Outcome outcome) {
    family = outcome.state();
    return outcome;
  }

  private static void assertErrno(int errno, String message, Runnable call) {
    HooknetException failure = catchThrowableOfType(HooknetException.class, call::run);
    assertThat(failure).as("expected %s", message).isNotNull().hasMessage(message);
    assertThat(failure.errno()).isEqualTo(errno);
  }
}
