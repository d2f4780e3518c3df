package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.ChangeId;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.hooks.impl.Effects.CallbackKey;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallbackSequencerTest {

  private static final CallbackKey KEY = new CallbackKey("inet", "IN", "cb");

  private final Vertx vertx = Vertx.vertx();
  private final List<String> told = new ArrayList<>();
  private final CallbackSequencer sequencer = new CallbackSequencer(vertx, 60_000,
      (key, event) -> told.add(event.cmd() + " " + event.hook() + " " + event.node() + " " + event.cause() + " "
          + event.epoch() + "." + event.seq()), (key, session, last) -> { });

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aResyncReplayTellsWhichKnownHooksAreGoneBeforeTheNewChain() {
    sequencer.start(KEY, "s", new ChangeId(1, 2), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 2, true, Cause.REPLAY),
        hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, true, Cause.REPLAY), synced(1, 2, Cause.REPLAY)));
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "c", "n2", 1, 3, false, Cause.REGISTERED));
    told.clear();

    // The changes after 1.3 are no longer kept: the whole chain again, in which b is gone and c has another owner.
    sequencer.start(KEY, "s", new ChangeId(2, 7), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 2, 7, true, Cause.RESYNC),
        hook(Cmd.HN_REGISTER, "c", "n3", 2, 7, true, Cause.RESYNC), synced(2, 7, Cause.RESYNC)));

    assertThat(told).containsExactly(
        "HN_UNREGISTER b n1 MERGE_CONFLICT 2.7",
        "HN_UNREGISTER c n2 MERGE_CONFLICT 2.7",
        "HN_REGISTER a n1 RESYNC 2.7",
        "HN_REGISTER c n3 RESYNC 2.7",
        "HN_SYNCED null n1 RESYNC 2.7");
  }

  @Test
  void aFirstReplayAndChangesMissedTellNothingExtra() {
    sequencer.start(KEY, "s", new ChangeId(1, 1), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 1, true, Cause.REPLAY),
        synced(1, 1, Cause.REPLAY)));
    sequencer.start(KEY, "s", new ChangeId(1, 2), List.of(hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, true,
        Cause.REPLAY), synced(1, 2, Cause.REPLAY)));

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_SYNCED null n1 REPLAY 1.1",
        "HN_REGISTER b n1 REPLAY 1.2", "HN_SYNCED null n1 REPLAY 1.2");
  }

  private static HookEvent hook(Cmd cmd, String hook, String node, long epoch, long seq, boolean replay,
      Cause cause) {
    return new HookEvent(cmd, "inet", "IN", hook, node, null, Hint.NONE, null, 0, epoch, seq, replay, cause);
  }

  private static HookEvent synced(long epoch, long seq, Cause cause) {
    return new HookEvent(Cmd.HN_SYNCED, "inet", "IN", null, "n1", null, null, null, 0, epoch, seq, true, cause);
  }
}
