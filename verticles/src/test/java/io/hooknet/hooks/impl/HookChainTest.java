package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hooknet.codec.Hint;
import io.hooknet.codec.HooknetException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** illumos' hook insertion rules (hook.c {@code hook_insert}), each errno path, and the two fixed ordering bugs. */
class HookChainTest {

  private final HookChain chain = new HookChain();

  @Test
  void noneHooksAreAppendedInOrder() {
    add("a", Hint.NONE, null);
    add("b", Hint.NONE, null);
    assertThat(add("c", Hint.NONE, null)).isEqualTo(2);
    assertOrder("a b c");
  }

  @Test
  void firstGoesToTheHeadAndASecondFirstIsEbusy() {
    add("a", Hint.NONE, null);
    assertThat(add("f", Hint.FIRST, null)).isZero();
    assertErrno(16, "EBUSY: hook 'f' is already FIRST", () -> add("g", Hint.FIRST, null));
    assertOrder("f a");
  }

  @Test
  void lastGoesToTheTailAndASecondLastIsEbusy() {
    add("l", Hint.LAST, null);
    add("a", Hint.NONE, null);
    assertErrno(16, "EBUSY: hook 'l' is already LAST", () -> add("m", Hint.LAST, null));
    assertOrder("a l");
  }

  @Test
  void aNoneHookGoesBeforeALastHookUnlikeIllumos() {
    add("l", Hint.LAST, null);
    add("a", Hint.NONE, null);
    add("b", Hint.NONE, null);
    assertOrder("a b l");
  }

  @Test
  void beforeAndAfterAnExistingHook() {
    add("a", Hint.NONE, null);
    add("c", Hint.NONE, null);
    assertThat(add("b", Hint.BEFORE, "c")).isEqualTo(1);
    assertThat(add("d", Hint.AFTER, "c")).isEqualTo(3);
    assertThat(add("a2", Hint.AFTER, "a")).isEqualTo(1);
    assertOrder("a a2 b c d");
  }

  @Test
  void beforeAFirstHookOrAfterALastHookIsEbusy() {
    add("f", Hint.FIRST, null);
    add("l", Hint.LAST, null);
    assertErrno(16, "EBUSY: hook 'x' cannot go before 'f', which is FIRST", () -> add("x", Hint.BEFORE, "f"));
    assertErrno(16, "EBUSY: hook 'x' cannot go after 'l', which is LAST", () -> add("x", Hint.AFTER, "l"));
    assertThat(add("x", Hint.AFTER, "f")).isEqualTo(1);
    assertThat(add("y", Hint.BEFORE, "l")).isEqualTo(2);
    assertOrder("f x y l");
  }

  @Test
  void beforeOrAfterAnAbsentHookSucceedsAsNone() {
    add("l", Hint.LAST, null);
    assertThat(add("x", Hint.BEFORE, "ghost")).isZero();
    assertThat(add("y", Hint.AFTER, "ghost")).isEqualTo(1);
    assertOrder("x y l");
  }

  @Test
  void aLaterNoneHookIsSlottedBetweenTheHooksWaitingForItUnlikeIllumos() {
    add("a", Hint.NONE, null);
    add("after", Hint.AFTER, "t");
    add("before", Hint.BEFORE, "t");
    add("z", Hint.NONE, null);
    // illumos puts t before the BEFORE group; the hooks waiting to be before t must end up before it.
    assertThat(add("t", Hint.NONE, null)).isEqualTo(3);
    assertOrder("a after before t z");
  }

  @Test
  void aLaterNoneHookWithOnlyAfterHooksWaitingGoesBeforeThem() {
    add("a", Hint.NONE, null);
    add("after1", Hint.AFTER, "t");
    add("after2", Hint.AFTER, "t");
    assertThat(add("t", Hint.NONE, null)).isEqualTo(1);
    assertOrder("a t after1 after2");
  }

  @Test
  void hintsApplyOnlyAtInsertion() {
    add("a", Hint.NONE, null);
    add("b", Hint.AFTER, "a");
    add("z", Hint.BEFORE, "b");
    assertOrder("a z b");
  }

  @Test
  void aReRegisteredTargetGoesBackBeforeTheHookWaitingAfterIt() {
    add("a", Hint.NONE, null);
    add("b", Hint.AFTER, "a");
    chain.remove("a");
    add("a", Hint.NONE, null);
    assertOrder("a b");
  }

  @Test
  void badHintsAreEinvalAndChangeNothing() {
    add("a", Hint.NONE, null);
    assertErrno(22, "EINVAL: hint BEFORE of hook 'x' needs the name of another hook", () -> add("x", Hint.BEFORE, null));
    assertErrno(22, "EINVAL: hint AFTER of hook 'x' needs the name of another hook", () -> add("x", Hint.AFTER, ""));
    assertErrno(22, "EINVAL: hook 'x' cannot go before itself", () -> add("x", Hint.BEFORE, "x"));
    assertErrno(22, "EINVAL: hint NONE of hook 'x' takes no hook name, got 'a'", () -> add("x", Hint.NONE, "a"));
    assertErrno(22, "EINVAL: hook 'x' has no hint", () -> add("x", null, null));
    assertOrder("a");
  }

  @Test
  void namesAreUniquePerChain() {
    add("a", Hint.NONE, null);
    assertErrno(17, "EEXIST: hook 'a' is already in the chain", () -> add("a", Hint.FIRST, null));
    assertOrder("a");
  }

  @Test
  void removingAnUnknownHookIsEnxioAndPositionsCloseUp() {
    add("a", Hint.NONE, null);
    add("b", Hint.NONE, null);
    add("c", Hint.NONE, null);
    assertErrno(6, "ENXIO: hook 'x' is not in the chain", () -> chain.remove("x"));
    assertThat(chain.remove("a")).isZero();
    assertThat(chain.indexOf("c")).isEqualTo(1);
    assertErrno(6, "ENXIO: hook 'a' is not in the chain", () -> chain.remove("a"));
  }

  private int add(String hook, Hint hint, String hintValue) {
    return chain.insert(new HookChain.Link(hook, hint, hintValue, "addr." + hook, "n1"));
  }

  private void assertOrder(String hooks) {
    assertThat(chain.links().stream().map(HookChain.Link::hook).collect(Collectors.joining(" "))).isEqualTo(hooks);
  }

  private static void assertErrno(int errno, String message, Runnable call) {
    HooknetException failure = catchThrowableOfType(HooknetException.class, call::run);
    assertThat(failure).as("expected %s", message).isNotNull().hasMessage(message);
    assertThat(failure.errno()).isEqualTo(errno);
  }
}
