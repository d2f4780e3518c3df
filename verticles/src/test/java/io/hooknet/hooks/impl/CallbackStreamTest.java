package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.ChangeId;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules one stream keeps by itself: what it remembers giving, and what its callback was told is there. */
class CallbackStreamTest {

  private final CallbackStream stream = new CallbackStream("s");

  @Test
  void itRemembersTheLatestChangesGivenAndForgetsTheOldest() {
    for (long seq = 1; seq <= CallbackStream.RECENT + 1; seq++) {
      stream.track(hook(Cmd.HN_REGISTER, "h" + seq, "n1", null, 1, seq, Cause.REGISTERED));
    }
    stream.track(synced(1, CallbackStream.RECENT + 1));

    assertThat(stream.recent).hasSize(CallbackStream.RECENT);
    assertThat(stream.recent.getFirst()).isEqualTo(new ChangeId(1, 2));
    assertThat(stream.recent.getLast()).isEqualTo(new ChangeId(1, CallbackStream.RECENT + 1));
    // Seq 1 is forgotten: one under another epoch with that seq is no longer seen as a change of another lineage.
    assertThat(stream.givenUnderAnotherEpoch(new ChangeId(2, 1))).isFalse();
    assertThat(stream.givenUnderAnotherEpoch(new ChangeId(2, 2))).isTrue();
    assertThat(stream.givenUnderAnotherEpoch(new ChangeId(1, 2))).isFalse();
    assertThat(stream.givenUnderAnotherEpoch(new ChangeId(2, CallbackStream.RECENT + 2))).isFalse();
  }

  @Test
  void itKnowsWhetherItGaveAChangeAfterAnother() {
    stream.epoch = 3;
    stream.next = 6;
    stream.track(hook(Cmd.HN_REGISTER, "a", "n1", null, 2, 9, Cause.REGISTERED));

    assertThat(stream.givenAfter(new ChangeId(3, 4))).isTrue();
    assertThat(stream.givenAfter(new ChangeId(3, 5))).isFalse();
    assertThat(stream.givenAfter(new ChangeId(2, 8))).isTrue();
    assertThat(stream.givenAfter(new ChangeId(2, 9))).isFalse();
    assertThat(stream.givenAfter(new ChangeId(4, 1))).isFalse();
  }

  @Test
  void changesMissedContinueOnlyFromItsNextChange() {
    stream.next = 4;

    assertThat(stream.continues(List.of(hook(Cmd.HN_REGISTER, "a", "n1", null, 1, 4, Cause.REGISTERED),
        synced(1, 4)))).isTrue();
    assertThat(stream.continues(List.of(hook(Cmd.HN_REGISTER, "a", "n1", null, 1, 5, Cause.REGISTERED))))
        .isFalse();
    assertThat(stream.continues(List.of(synced(1, 3)))).isTrue();
    assertThat(stream.continues(List.of())).isTrue();
  }

  @Test
  void aResyncTellsGoneEveryKnownHookMissingOrWithAnotherOwner() {
    stream.track(hook(Cmd.HN_REGISTER, "a", "n1", null, 1, 1, Cause.REGISTERED));
    stream.track(hook(Cmd.HN_REGISTER, "b", "n1", "s1", 1, 2, Cause.REGISTERED));
    stream.track(hook(Cmd.HN_REGISTER, "c", "n2", null, 1, 3, Cause.REGISTERED));
    stream.track(hook(Cmd.HN_UNREGISTER, "c", "n2", null, 1, 4, Cause.UNREGISTERED));
    List<HookEvent> resync = List.of(hook(Cmd.HN_REGISTER, "a", "n3", null, 2, 8, Cause.RESYNC),
        hook(Cmd.HN_REGISTER, "b", "n2", "s1", 2, 8, Cause.RESYNC), synced(2, 8));

    // a has another owner (a node for a node), b the same (its session, through another node); c was told gone.
    assertThat(stream.gone(resync, new ChangeId(2, 8))).containsExactly(new HookEvent(Cmd.HN_UNREGISTER, "inet",
        "IN", "a", "n1", null, Hint.NONE, null, 0, 2, 8, true, Cause.MERGE_CONFLICT));
    // A first replay has nothing to compare with.
    assertThat(stream.gone(List.of(hook(Cmd.HN_REGISTER, "z", "n1", null, 2, 8, Cause.REPLAY)),
        new ChangeId(2, 8))).isEmpty();
  }

  @Test
  void onlyAWholeChainReplacesWhatTheCallbackWasTold() {
    assertThat(CallbackStream.replacesView(hook(Cmd.HN_REGISTER, "a", "n1", null, 1, 1, Cause.REPLAY))).isTrue();
    assertThat(CallbackStream.replacesView(synced(1, 1))).isTrue();
    assertThat(CallbackStream.replacesView(new HookEvent(Cmd.HN_SYNCED, "inet", "IN", null, "n1", null, null,
        null, 0, 1, 1, true, Cause.REPLAY))).isFalse();
    assertThat(CallbackStream.replacesView(hook(Cmd.HN_REGISTER, "a", "n1", null, 1, 1, Cause.REGISTERED)))
        .isFalse();
  }

  private static HookEvent hook(Cmd cmd, String hook, String node, String session, long epoch, long seq,
      Cause cause) {
    boolean replay = cause == Cause.REPLAY || cause == Cause.RESYNC;
    return new HookEvent(cmd, "inet", "IN", hook, node, session, Hint.NONE, null, 0, epoch, seq, replay, cause);
  }

  private static HookEvent synced(long epoch, long seq) {
    return new HookEvent(Cmd.HN_SYNCED, "inet", "IN", null, "n1", null, null, null, 0, epoch, seq, true,
        Cause.RESYNC);
  }
}
