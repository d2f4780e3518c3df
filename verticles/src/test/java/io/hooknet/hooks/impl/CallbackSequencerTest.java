package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.ChangeId;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.hooks.impl.Effects.CallbackKey;
import io.hooknet.testing.Await;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "c", "n2", 1, 3, false, Cause.REGISTERED), 1);
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
    sequencer.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    sequencer.start(KEY, "s", new ChangeId(1, 2), List.of(hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, true,
        Cause.REPLAY), synced(1, 2, Cause.REPLAY)));

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_SYNCED null n1 REPLAY 1.1",
        "HN_REGISTER b n1 REPLAY 1.2", "HN_SYNCED null n1 REPLAY 1.2");
  }

  @Test
  void aStreamWhoseClientWentStartsAgainOnlyWithItsResume() {
    sequencer.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    sequencer.suspend("s");
    // While the client is away, a re-synchronisation and the answer to a fill asked before reach no one listening.
    sequencer.resync(KEY, "s", new ChangeId(1, 3), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 3, true,
        Cause.RESYNC), synced(1, 3, Cause.RESYNC)));
    sequencer.filled(KEY, "s", new ChangeId(1, 3), changesTwoAndThree(), List.of());
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "d", "n1", 1, 4, false, Cause.REGISTERED), 1);
    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_SYNCED null n1 REPLAY 1.1");

    // The client resumes after the last change it saw: it is given every change since, then the one waiting.
    sequencer.start(KEY, "s", new ChangeId(1, 3), changesTwoAndThree());
    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_SYNCED null n1 REPLAY 1.1",
        "HN_REGISTER b n1 REGISTERED 1.2", "HN_REGISTER c n1 REGISTERED 1.3", "HN_SYNCED null n1 REPLAY 1.3",
        "HN_REGISTER d n1 REGISTERED 1.4");
  }

  @Test
  void aResumeAnsweredWithTheWholeChainAfterTheClientWentTellsWhichHooksItHeldAreGone() {
    sequencer.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    sequencer.suspend("s");
    sequencer.start(KEY, "s", new ChangeId(2, 5), List.of(hook(Cmd.HN_REGISTER, "c", "n1", 2, 5, true,
        Cause.RESYNC), synced(2, 5, Cause.RESYNC)));

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_SYNCED null n1 REPLAY 1.1",
        "HN_UNREGISTER a n1 MERGE_CONFLICT 2.5", "HN_REGISTER c n1 RESYNC 2.5", "HN_SYNCED null n1 RESYNC 2.5");
  }

  /** A sequencer whose gaps and teardowns wait 50 ms, telling "cmd hook cause seq"; it fills nothing. */
  private CallbackSequencer quick() {
    return new CallbackSequencer(vertx, 50, (key, event) -> told.add(event.cmd() + " " + event.hook() + " "
        + event.cause() + " " + event.seq()), (key, session, last) -> { });
  }

  /** A sequencer that never fills a gap by itself, telling "cmd hook cause epoch.seq"; its fills go to {@code asked}. */
  private CallbackSequencer asking(List<ChangeId> asked) {
    return new CallbackSequencer(vertx, 60_000, (key, event) -> told.add(event.cmd() + " " + event.hook() + " "
        + event.cause() + " " + event.epoch() + "." + event.seq()), (key, session, last) -> asked.add(last));
  }

  /**
   * As {@link #asking}, with a stream started at the replay as of 1.1 that got a notice of another lineage (hook
   * {@code hook} as change 3.2) and so asked for the changes after 1.1.
   */
  private CallbackSequencer askingAfterTheReplay(List<ChangeId> asked, String hook) {
    CallbackSequencer filling = asking(asked);
    filling.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    filling.live(KEY, hook(Cmd.HN_REGISTER, hook, "n1", 3, 2, false, Cause.REGISTERED), 7);
    return filling;
  }

  /** A first replay as of (1, seq): n1's hook a, then HN_SYNCED. */
  private static List<HookEvent> replayOfA(long seq) {
    return List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, seq, true, Cause.REPLAY), synced(1, seq, Cause.REPLAY));
  }

  /** A gap fill's answer after seq 1: the changes 2 and 3, then HN_SYNCED. */
  private static List<HookEvent> changesTwoAndThree() {
    return List.of(hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, false, Cause.REGISTERED),
        hook(Cmd.HN_REGISTER, "c", "n1", 1, 3, false, Cause.REGISTERED), synced(1, 3, Cause.REPLAY));
  }

  @Test
  void eachStartedStreamIsGivenForAReassertionWithItsLastChangeAndTheAnswerBringsItUpToDate() {
    CallbackKey waiting = new CallbackKey("inet", "OUT", "cb.waiting");
    CallbackKey family = new CallbackKey("link", null, "cb.family");
    sequencer.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    sequencer.start(family, null, new ChangeId(4, 6), List.of());
    // A notice for a stream that has not started yet: nothing to bring up to date.
    sequencer.live(waiting, hook(Cmd.HN_REGISTER, "x", "n1", 1, 5, false, Cause.REGISTERED), 1);
    assertThat(sequencer.given()).isEqualTo(Map.of(
        "inet", List.of(new OwnerOps.Given("IN", "cb", new ChangeId(1, 1))),
        "link", List.of(new OwnerOps.Given(null, "cb.family", new ChangeId(4, 6)))));

    // The changes 2 and 3 never came (their sender died): the re-assertion's answer gives them.
    sequencer.filled(KEY, "s", new ChangeId(1, 3), changesTwoAndThree(), List.of());
    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_SYNCED null n1 REPLAY 1.1",
        "HN_REGISTER b n1 REGISTERED 1.2", "HN_REGISTER c n1 REGISTERED 1.3", "HN_SYNCED null n1 REPLAY 1.3");
    assertThat(sequencer.given().get("inet")).containsExactly(new OwnerOps.Given("IN", "cb", new ChangeId(1, 3)));
  }

  @Test
  void aFillAnsweredFromAnotherLineageBelowWhatTheStreamGaveIsNotGivenAndIsAskedAgain() {
    List<ChangeId> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    CallbackSequencer filling = askingAfterTheReplay(asked, "b");
    // Its own lineage goes on: c is change 2 under epoch 2, after 1.1.
    filling.live(KEY, hook(Cmd.HN_REGISTER, "c", "n1", 2, 2, false, Cause.REGISTERED), 1);
    // The fill is answered by a copy cut off from the cluster, whose change 2 is 3.2.
    filling.filled(KEY, "s", new ChangeId(3, 2), List.of(hook(Cmd.HN_REGISTER, "b", "n1", 3, 2, false,
        Cause.REGISTERED), synced(3, 2, Cause.REPLAY)), List.of());

    assertThat(told).containsExactly("HN_REGISTER a REPLAY 1.1", "HN_SYNCED null REPLAY 1.1",
        "HN_REGISTER c REGISTERED 2.2");
    assertThat(asked).containsExactly(new ChangeId(1, 1), new ChangeId(2, 2));
  }

  @Test
  void aFillAnswerWhoseFirstChangesCameLiveMeanwhileGivesOnlyTheRest() {
    List<ChangeId> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    CallbackSequencer filling = askingAfterTheReplay(asked, "x");
    // While the fill after 1.1 is on its way, change 2 comes live; the answer brings 2 and 3.
    filling.live(KEY, hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, false, Cause.REGISTERED), 1);
    filling.filled(KEY, "s", new ChangeId(1, 3), changesTwoAndThree(), List.of());

    assertThat(told).containsExactly("HN_REGISTER a REPLAY 1.1", "HN_SYNCED null REPLAY 1.1",
        "HN_REGISTER b REGISTERED 1.2", "HN_REGISTER c REGISTERED 1.3", "HN_SYNCED null REPLAY 1.3");
    assertThat(asked).containsExactly(new ChangeId(1, 1));
  }

  @Test
  void changesAGapFillAskedForThatCameLiveMeanwhileAreNotToldTwice() {
    AtomicReference<ChangeId> asked = new AtomicReference<>();
    CallbackSequencer filling = new CallbackSequencer(vertx, 50, (key, event) -> told.add(event.cmd() + " "
        + event.hook() + " " + event.seq()), (key, session, last) -> asked.set(last));
    filling.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    filling.live(KEY, hook(Cmd.HN_REGISTER, "c", "n1", 1, 3, false, Cause.REGISTERED), 1);
    Await.until("the gap after seq 1 to be filled", Duration.ofSeconds(5), () -> asked.get() != null);
    assertThat(asked.get()).isEqualTo(new ChangeId(1, 1));
    // The late sender's notice comes after all, then the fill's answer with the same changes.
    filling.live(KEY, hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, false, Cause.REGISTERED), 1);
    filling.start(KEY, "s", new ChangeId(1, 3), changesTwoAndThree());
    filling.live(KEY, hook(Cmd.HN_REGISTER, "d", "n1", 1, 4, false, Cause.REGISTERED), 1);

    assertThat(told).containsExactly("HN_REGISTER a 1", "HN_SYNCED null 1", "HN_REGISTER b 2", "HN_REGISTER c 3",
        "HN_SYNCED null 3", "HN_REGISTER d 4");
  }

  @Test
  void changesThatCameLongBeforeTheirStreamStartedAreGivenAfterItsReplay() {
    CallbackSequencer late = new CallbackSequencer(vertx, 50, (key, event) -> told.add(event.cmd() + " "
        + event.hook() + " " + event.seq()), (key, session, last) -> { });
    vertx.runOnContext(v -> {
      late.live(KEY, hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, false, Cause.REGISTERED), 1);
      late.live(KEY, hook(Cmd.HN_REGISTER, "c", "n1", 1, 3, false, Cause.REGISTERED), 1);
    });
    Await.until("the changes to wait longer than the gap time", Duration.ofSeconds(5), () -> !late.streaming(KEY));
    // The start (its register's answer held up) comes after them: they follow its replay, and nothing is missing.
    vertx.runOnContext(v -> late.start(KEY, null, new ChangeId(1, 1), replayOfA(1)));
    Await.until("the replay and the changes after it", Duration.ofSeconds(5), () -> told.size() == 4);
    assertThat(told).containsExactly("HN_REGISTER a 1", "HN_SYNCED null 1", "HN_REGISTER b 2", "HN_REGISTER c 3");
  }

  @Test
  void aChainAsOfAChangeBeforeOnesTheStreamGaveSinceIsNotGivenAndTheStreamAsksFromWhereItIs() {
    List<ChangeId> asked = new ArrayList<>();
    CallbackSequencer sequencer = new CallbackSequencer(vertx, 60_000, (key, event) -> told.add(event.cmd() + " "
        + event.hook() + " " + event.cause() + " " + event.seq()), (key, session, last) -> asked.add(last));
    sequencer.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    List<HookEvent> resync = List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 3, true, Cause.RESYNC),
        hook(Cmd.HN_REGISTER, "b", "n1", 1, 3, true, Cause.RESYNC), synced(1, 3, Cause.RESYNC));
    sequencer.filled(KEY, "s", new ChangeId(1, 3), resync, List.of());
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "c", "n1", 1, 4, false, Cause.REGISTERED), 1);
    told.clear();

    // The same answer again (its sender retried it), and a start as of 1.2: neither takes the callback back.
    sequencer.filled(KEY, "s", new ChangeId(1, 3), resync, List.of());
    sequencer.start(KEY, "s", new ChangeId(1, 2), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 2, true,
        Cause.REPLAY), synced(1, 2, Cause.REPLAY)));
    sequencer.live(KEY, hook(Cmd.HN_UNREGISTER, "c", "n1", 1, 5, false, Cause.UNREGISTERED), 1);

    assertThat(told).containsExactly("HN_UNREGISTER c UNREGISTERED 5");
    assertThat(asked).containsExactly(new ChangeId(1, 4));
  }

  @Test
  void aGapFillWithoutAnAnswerIsAskedAgainFromWhereTheStreamIs() {
    List<ChangeId> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    CallbackSequencer filling = new CallbackSequencer(vertx, 50, (key, event) -> told.add(event.cmd() + " "
        + event.hook() + " " + event.seq()), (key, session, last) -> asked.add(last));
    filling.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    filling.live(KEY, hook(Cmd.HN_REGISTER, "c", "n1", 1, 3, false, Cause.REGISTERED), 1);
    Await.until("the gap after seq 1 to be filled", Duration.ofSeconds(5), () -> asked.size() == 1);
    vertx.runOnContext(v -> filling.fillFailed(KEY));
    Await.until("the fill to be asked again", Duration.ofSeconds(5), () -> asked.size() == 2);
    assertThat(asked).containsExactly(new ChangeId(1, 1), new ChangeId(1, 1));
    filling.start(KEY, "s", new ChangeId(1, 3), changesTwoAndThree());
    filling.live(KEY, hook(Cmd.HN_REGISTER, "d", "n1", 1, 4, false, Cause.REGISTERED), 1);
    assertThat(told).containsExactly("HN_REGISTER a 1", "HN_SYNCED null 1", "HN_REGISTER b 2", "HN_REGISTER c 3",
        "HN_SYNCED null 3", "HN_REGISTER d 4");
    // The first fill was answered after all: nothing in it is told again.
    filling.start(KEY, "s", new ChangeId(1, 3), changesTwoAndThree());
    filling.live(KEY, hook(Cmd.HN_UNREGISTER, "d", "n1", 1, 5, false, Cause.UNREGISTERED), 1);
    assertThat(told).containsExactly("HN_REGISTER a 1", "HN_SYNCED null 1", "HN_REGISTER b 2", "HN_REGISTER c 3",
        "HN_SYNCED null 3", "HN_REGISTER d 4", "HN_UNREGISTER d 5");
    // A stream that went (its callback unregistered) is not asked for again.
    filling.stop(KEY, null, List.of());
    filling.fillFailed(KEY);
    assertThat(asked).hasSize(2);
  }

  @Test
  void aGapFillFromAnotherLineageIsNotGivenOverWhatTheStreamHasAndBringsItOverWithTheWholeChain() {
    List<ChangeId> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    CallbackSequencer filling = new CallbackSequencer(vertx, 50, (key, event) -> told.add(event.cmd() + " "
        + event.hook() + " " + event.epoch() + "." + event.seq()), (key, session, last) -> asked.add(last));
    filling.start(KEY, "s", new ChangeId(1, 1), List.of(synced(1, 1, Cause.REPLAY)));
    filling.live(KEY, hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, false, Cause.REGISTERED), 1);
    filling.live(KEY, hook(Cmd.HN_REGISTER, "d", "n1", 1, 4, false, Cause.REGISTERED), 1);
    Await.until("the gap after seq 2 to be filled", Duration.ofSeconds(5), () -> !asked.isEmpty());
    // The family the fill reads was replaced by a merge: its changes 2 and 3 are others, under epoch 2. Its change
    // 2 is not the one the stream was given: none of it is given, and the stream asks again after 1.2.
    filling.filled(KEY, "s", new ChangeId(2, 3), List.of(hook(Cmd.HN_REGISTER, "x", "n2", 2, 2, false,
        Cause.REGISTERED), hook(Cmd.HN_REGISTER, "y", "n2", 2, 3, false, Cause.REGISTERED),
        synced(2, 3, Cause.REPLAY)), List.of());
    assertThat(asked).containsExactly(new ChangeId(1, 2), new ChangeId(1, 2));
    // The family has no change 1.2: it answers with its whole chain, and b is told gone first.
    filling.filled(KEY, "s", new ChangeId(2, 3), List.of(hook(Cmd.HN_REGISTER, "x", "n2", 2, 3, true,
        Cause.RESYNC), hook(Cmd.HN_REGISTER, "y", "n2", 2, 3, true, Cause.RESYNC), synced(2, 3, Cause.RESYNC)),
        List.of());
    filling.live(KEY, hook(Cmd.HN_REGISTER, "z", "n2", 2, 4, false, Cause.REGISTERED), 2);

    assertThat(told).containsExactly("HN_SYNCED null 1.1", "HN_REGISTER b 1.2", "HN_UNREGISTER b 2.3",
        "HN_REGISTER x 2.3", "HN_REGISTER y 2.3", "HN_SYNCED null 2.3", "HN_REGISTER z 2.4");
  }

  @Test
  void aChangeThatFollowsAnotherLineageIsNotDeliveredAndTheStreamIsBroughtOverAtOnce() {
    AtomicReference<ChangeId> asked = new AtomicReference<>();
    CallbackSequencer merged = new CallbackSequencer(vertx, 60_000, (key, event) -> told.add(event.cmd() + " "
        + event.hook() + " " + event.cause() + " " + event.epoch() + "." + event.seq()),
        (key, session, last) -> asked.set(last));
    merged.start(KEY, "s", new ChangeId(1, 2), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 2, true, Cause.REPLAY),
        hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, true, Cause.REPLAY), synced(1, 2, Cause.REPLAY)));
    told.clear();
    // Seq 3 comes next, but it follows a change of epoch 5: the family was replaced by another side's, whose change
    // 2 is not the one this stream was given.
    merged.live(KEY, hook(Cmd.HN_UNREGISTER, "a", "n1", 6, 3, false, Cause.UNREGISTERED), 5);
    assertThat(told).isEmpty();
    assertThat(asked.get()).isEqualTo(new ChangeId(1, 2));
    // The family as it is does not have 1.2: the whole chain again, which tells that b is gone.
    merged.start(KEY, "s", new ChangeId(6, 3), List.of(hook(Cmd.HN_REGISTER, "c", "n2", 6, 3, true, Cause.RESYNC),
        synced(6, 3, Cause.RESYNC)));
    merged.live(KEY, hook(Cmd.HN_REGISTER, "d", "n2", 6, 4, false, Cause.REGISTERED), 6);

    assertThat(told).containsExactly("HN_UNREGISTER a MERGE_CONFLICT 6.3", "HN_UNREGISTER b MERGE_CONFLICT 6.3",
        "HN_REGISTER c RESYNC 6.3", "HN_SYNCED null RESYNC 6.3", "HN_REGISTER d REGISTERED 6.4");
  }

  @Test
  void aSeqGivenUnderAnotherEpochBringsTheStreamOverAndADuplicateDoesNot() {
    List<ChangeId> asked = new ArrayList<>();
    CallbackSequencer merged = new CallbackSequencer(vertx, 60_000, (key, event) -> told.add(event.hook() + " "
        + event.epoch() + "." + event.seq()), (key, session, last) -> asked.add(last));
    merged.start(KEY, "s", new ChangeId(1, 1), List.of(synced(1, 1, Cause.REPLAY)));
    merged.live(KEY, hook(Cmd.HN_REGISTER, "a", "n1", 1, 2, false, Cause.REGISTERED), 1);
    merged.live(KEY, hook(Cmd.HN_REGISTER, "b", "n1", 1, 3, false, Cause.REGISTERED), 1);
    merged.live(KEY, hook(Cmd.HN_REGISTER, "a", "n1", 1, 2, false, Cause.REGISTERED), 1);
    assertThat(asked).isEmpty();

    merged.live(KEY, hook(Cmd.HN_REGISTER, "x", "n2", 4, 2, false, Cause.REGISTERED), 4);
    assertThat(asked).containsExactly(new ChangeId(1, 3));
    assertThat(told).containsExactly("null 1.1", "a 1.2", "b 1.3");
  }

  @Test
  void anEpochThatChangesWithinTheLineageGoesOnWithoutAFill() {
    List<ChangeId> asked = new ArrayList<>();
    CallbackSequencer viewChanged = new CallbackSequencer(vertx, 60_000, (key, event) -> told.add(event.hook()
        + " " + event.epoch() + "." + event.seq()), (key, session, last) -> asked.add(last));
    viewChanged.start(KEY, "s", new ChangeId(1, 1), List.of(synced(1, 1, Cause.REPLAY)));
    // A member joined between seq 2 and 3: the lineage goes on under epoch 5.
    viewChanged.live(KEY, hook(Cmd.HN_REGISTER, "b", "n1", 5, 3, false, Cause.REGISTERED), 1);
    viewChanged.live(KEY, hook(Cmd.HN_REGISTER, "a", "n1", 1, 2, false, Cause.REGISTERED), 1);
    viewChanged.live(KEY, hook(Cmd.HN_REGISTER, "c", "n1", 5, 4, false, Cause.REGISTERED), 5);

    assertThat(told).containsExactly("null 1.1", "a 1.2", "b 5.3", "c 5.4");
    assertThat(asked).isEmpty();
  }

  @Test
  void aLateStartAtAChangeGivenBeforeTheEpochChangedGivesNothingAgain() {
    List<ChangeId> asked = new ArrayList<>();
    CallbackSequencer merged = new CallbackSequencer(vertx, 50, (key, event) -> told.add(event.cmd() + " "
        + event.hook() + " " + event.epoch() + "." + event.seq()), (key, session, last) -> asked.add(last));
    merged.start(KEY, "s", new ChangeId(7, 692), List.of(hook(Cmd.HN_REGISTER, "h0", "j5", 7, 692, true,
        Cause.RESYNC), synced(7, 692, Cause.RESYNC)));
    // A node left: its clean-up numbers on under a new epoch.
    merged.live(KEY, hook(Cmd.HN_UNREGISTER, "h0", "j5", 6, 693, false, Cause.NODE_LEFT), 7);
    merged.live(KEY, hook(Cmd.HN_UNREGISTER, "h3", "j5", 6, 694, false, Cause.NODE_LEFT), 6);
    // A start of this stream at 7.692 with nothing missed, sent before the clean-up, arrives only now.
    merged.start(KEY, "s", new ChangeId(7, 692), List.of());
    merged.live(KEY, hook(Cmd.HN_REGISTER, "h0", "j5", 8, 695, false, Cause.REGISTERED), 6);

    assertThat(told).containsExactly("HN_REGISTER h0 7.692", "HN_SYNCED null 7.692", "HN_UNREGISTER h0 6.693",
        "HN_UNREGISTER h3 6.694", "HN_REGISTER h0 8.695");
    assertThat(asked).isEmpty();
  }

  @Test
  void aFillAnsweredAfterTheCallbacksTeardownGivesNothing() {
    sequencer.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, false, Cause.REGISTERED), 1);
    sequencer.stop(KEY, new ChangeId(1, 2), List.of(hook(Cmd.HN_UNREGISTER, "a", "n1", 1, 2, true, Cause.TEARDOWN),
        hook(Cmd.HN_UNREGISTER, "b", "n1", 1, 2, true, Cause.TEARDOWN)));
    // A fill asked twice before the teardown (its answers travel apart from it) and a notice sent before it come
    // late.
    sequencer.filled(KEY, "s", new ChangeId(1, 2), List.of(hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, false,
        Cause.REGISTERED), synced(1, 2, Cause.REPLAY)), List.of());
    sequencer.live(KEY, hook(Cmd.HN_UNREGISTER, "b", "n1", 1, 3, false, Cause.UNREGISTERED), 1);
    sequencer.filled(KEY, "s", new ChangeId(1, 1), List.of(hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, false,
        Cause.REGISTERED), synced(1, 2, Cause.REPLAY)), List.of());

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_SYNCED null n1 REPLAY 1.1",
        "HN_REGISTER b n1 REGISTERED 1.2", "HN_UNREGISTER a n1 TEARDOWN 1.2", "HN_UNREGISTER b n1 TEARDOWN 1.2");
  }

  @Test
  void aTeardownWaitsForTheChangesBeforeItThatAreStillOnTheirWay() {
    sequencer.start(KEY, "s", new ChangeId(1, 1), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 1, true, Cause.REPLAY),
        hook(Cmd.HN_REGISTER, "b", "n2", 1, 1, true, Cause.REPLAY), synced(1, 1, Cause.REPLAY)));
    // b's session ended (change 2, told by the node that cleaned up), then the callback was unregistered here.
    sequencer.stop(KEY, new ChangeId(1, 2), List.of(hook(Cmd.HN_UNREGISTER, "a", "n1", 1, 2, true,
        Cause.TEARDOWN)));
    assertThat(told).hasSize(3);
    sequencer.live(KEY, hook(Cmd.HN_UNREGISTER, "b", "n2", 1, 2, false, Cause.CLIENT_LEFT), 1);
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "c", "n2", 1, 3, false, Cause.REGISTERED), 1);

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_REGISTER b n2 REPLAY 1.1",
        "HN_SYNCED null n1 REPLAY 1.1", "HN_UNREGISTER b n2 CLIENT_LEFT 1.2", "HN_UNREGISTER a n1 TEARDOWN 1.2");
  }

  @Test
  void whatWaitsForATeardownRunsOnceItHasGoneOutAndAtOnceWhenItHas() {
    sequencer.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    sequencer.stop(KEY, new ChangeId(1, 3), List.of(hook(Cmd.HN_UNREGISTER, "a", "n1", 1, 3, true,
        Cause.TEARDOWN)));
    sequencer.afterTeardown(KEY, () -> told.add("after"));
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "b", "n2", 1, 2, false, Cause.REGISTERED), 1);
    assertThat(told).hasSize(3);
    sequencer.live(KEY, hook(Cmd.HN_UNREGISTER, "b", "n2", 1, 3, false, Cause.UNREGISTERED), 1);
    sequencer.afterTeardown(KEY, () -> told.add("at once"));

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_SYNCED null n1 REPLAY 1.1",
        "HN_REGISTER b n2 REGISTERED 1.2", "HN_UNREGISTER b n2 UNREGISTERED 1.3", "HN_UNREGISTER a n1 TEARDOWN 1.3",
        "after", "at once");
  }

  @Test
  void aTeardownWhoseChangesBeforeItNeverComeGoesOutAfterTheGapTimeTellingWhatItMissed() {
    CallbackSequencer quick = quick();
    quick.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    quick.stop(KEY, new ChangeId(1, 3), List.of(hook(Cmd.HN_UNREGISTER, "a", "n1", 1, 3, true, Cause.TEARDOWN)));
    quick.live(KEY, hook(Cmd.HN_REGISTER, "b", "n2", 1, 2, false, Cause.REGISTERED), 1);
    Await.until("the teardown", Duration.ofSeconds(5), () -> told.size() == 5);

    // Change 3, which removed b, never came: b is told gone before the teardown, which no longer names it.
    assertThat(told).containsExactly("HN_REGISTER a REPLAY 1", "HN_SYNCED null REPLAY 1", "HN_REGISTER b REGISTERED 2",
        "HN_UNREGISTER b MERGE_CONFLICT 3", "HN_UNREGISTER a TEARDOWN 3");
  }

  @Test
  void aTeardownAfterAStopWithoutOneTellsWhatTheStreamHeldThatItLacks() {
    CallbackSequencer quick = quick();
    quick.start(KEY, "s", new ChangeId(1, 1), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 1, true, Cause.REPLAY),
        hook(Cmd.HN_REGISTER, "b", "n2", 1, 1, true, Cause.REPLAY), synced(1, 1, Cause.REPLAY)));
    // The other side of a split took this node for gone and removed the callback there, telling nothing.
    quick.stop(KEY, new ChangeId(9, 4), List.of());
    Await.until("the silent stop to end the stream", Duration.ofSeconds(5),
        () -> !quick.streaming(KEY));
    // A notice of the side its client is on comes, and waits for a start; that side, whose copy no longer has b,
    // tears the callback down.
    quick.live(KEY, hook(Cmd.HN_REGISTER, "c", "n1", 7, 2, false, Cause.REGISTERED), 7);
    quick.stop(KEY, new ChangeId(7, 2), List.of(hook(Cmd.HN_UNREGISTER, "a", "n1", 7, 2, true, Cause.TEARDOWN)));

    assertThat(told).containsExactly("HN_REGISTER a REPLAY 1", "HN_REGISTER b REPLAY 1", "HN_SYNCED null REPLAY 1",
        "HN_UNREGISTER b MERGE_CONFLICT 2", "HN_UNREGISTER a TEARDOWN 2");
  }

  @Test
  void aNameRegisteredAgainWhileTheCallbackHoldsItIsToldGoneFirst() {
    sequencer.start(KEY, "s", new ChangeId(1, 2), replayOfA(2));
    // A copy of the family that never had n1's a took over and numbers on: n2 registers a there.
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "a", "n2", 2, 3, false, Cause.REGISTERED), 1);
    sequencer.live(KEY, hook(Cmd.HN_UNREGISTER, "a", "n2", 2, 4, false, Cause.UNREGISTERED), 2);

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.2", "HN_SYNCED null n1 REPLAY 1.2",
        "HN_UNREGISTER a n1 MERGE_CONFLICT 1.2", "HN_SYNCED null n2 REPLAY 1.2", "HN_REGISTER a n2 REGISTERED 2.3",
        "HN_UNREGISTER a n2 UNREGISTERED 2.4");
  }

  @Test
  void aMergeResyncMadeBeforeChangesOfItsLineageTheStreamHadGivesNothing() {
    sequencer.start(KEY, "s", new ChangeId(1, 2), replayOfA(2));
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "b", "n1", 1, 3, false, Cause.REGISTERED), 1);
    // A node's re-assertion resynced the callback as of 1.2; the notice of 1.3 overtook it.
    sequencer.resync(KEY, "s", new ChangeId(1, 2), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 2, true,
        Cause.RESYNC), synced(1, 2, Cause.RESYNC)));
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "c", "n1", 1, 4, false, Cause.REGISTERED), 1);

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.2", "HN_SYNCED null n1 REPLAY 1.2",
        "HN_REGISTER b n1 REGISTERED 1.3", "HN_REGISTER c n1 REGISTERED 1.4");
  }

  @Test
  void aCallbackResumedHereHoldsWhatTheFamilyHadAndItsTeardownTellsWhatItMissed() {
    CallbackSequencer quick = quick();
    // Another node delivered the stream up to 1.4 (a and b); its client resumed here after 1.4, missing change 5.
    quick.start(KEY, "s", new ChangeId(1, 5), List.of(hook(Cmd.HN_REGISTER, "c", "n1", 1, 5, false,
        Cause.REGISTERED), synced(1, 5, Cause.REPLAY)), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 5, true,
        Cause.REPLAY), hook(Cmd.HN_REGISTER, "b", "n2", 1, 5, true, Cause.REPLAY),
        hook(Cmd.HN_REGISTER, "c", "n1", 1, 5, true, Cause.REPLAY)));
    // Change 6 removed b and never came; the callback's teardown as of 6 no longer names b.
    quick.stop(KEY, new ChangeId(1, 6), List.of(hook(Cmd.HN_UNREGISTER, "a", "n1", 1, 6, true, Cause.TEARDOWN),
        hook(Cmd.HN_UNREGISTER, "c", "n1", 1, 6, true, Cause.TEARDOWN)));
    Await.until("the teardown", Duration.ofSeconds(5), () -> told.size() == 5);

    assertThat(told).containsExactly("HN_REGISTER c REGISTERED 5", "HN_SYNCED null REPLAY 5",
        "HN_UNREGISTER b MERGE_CONFLICT 6", "HN_UNREGISTER a TEARDOWN 6", "HN_UNREGISTER c TEARDOWN 6");
  }

  @Test
  void aFillAnswerOfTheLineageAMergeKeptOutlivesATeardownOfTheOtherSide() {
    sequencer.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    // The other side of a split took this node for gone and removed the callback there (no teardown to tell);
    // the family the merge kept still has it, and answers the stream's fill.
    stopQuietlyThenFillWithBAndTellC(new ChangeId(5, 4), "s");
  }

  @Test
  void aFillAnsweredAfterAStopWithoutTeardownGivesNothingTheStreamWasGivenBefore() {
    sequencer.start(KEY, null, new ChangeId(1, 1), replayOfA(1));
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, false, Cause.REGISTERED), 1);
    // The others took this node for gone and removed the callback there (no teardown to tell); the fill this node's
    // re-assertion asked while the stream was at 1.1 is answered from the copy of the family it holds, which still
    // has the callback.
    stopQuietlyThenFillWithBAndTellC(new ChangeId(5, 3), null);
  }

  /**
   * A stop without teardown at {@code stop}, then the stream's fill answered with b as change 1.2 and c coming live as
   * 1.3: b and the end of the fill are told once, then c, whether or not b came live before the stop.
   */
  private void stopQuietlyThenFillWithBAndTellC(ChangeId stop, String session) {
    sequencer.stop(KEY, stop, List.of());
    sequencer.filled(KEY, session, new ChangeId(1, 2), List.of(hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, false,
        Cause.REGISTERED), synced(1, 2, Cause.REPLAY)), List.of());
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "c", "n1", 1, 3, false, Cause.REGISTERED), 1);

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_SYNCED null n1 REPLAY 1.1",
        "HN_REGISTER b n1 REGISTERED 1.2", "HN_SYNCED null n1 REPLAY 1.2", "HN_REGISTER c n1 REGISTERED 1.3");
  }

  @Test
  void aCallbackDeliveredElsewhereAndBackHoldsWhatTheFamilyHasNotWhatItHadHere() {
    sequencer.start(KEY, "s", new ChangeId(1, 1), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 1, true, Cause.REPLAY),
        hook(Cmd.HN_REGISTER, "b", "n1", 1, 1, true, Cause.REPLAY), synced(1, 1, Cause.REPLAY)));
    // Its client resumed at another node, which told it b's removal (1.2); then it resumed here again.
    sequencer.stop(KEY, new ChangeId(1, 1), List.of());
    sequencer.start(KEY, "s", new ChangeId(1, 2), List.of(synced(1, 2, Cause.REPLAY)),
        List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 2, true, Cause.REPLAY)));
    sequencer.stop(KEY, new ChangeId(1, 2), List.of(hook(Cmd.HN_UNREGISTER, "a", "n1", 1, 2, true,
        Cause.TEARDOWN)));

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_REGISTER b n1 REPLAY 1.1",
        "HN_SYNCED null n1 REPLAY 1.1", "HN_SYNCED null n1 REPLAY 1.2", "HN_UNREGISTER a n1 TEARDOWN 1.2");
  }

  @Test
  void aResyncOrStartMadeBeforeATeardownGivesNothingAfterItButARegistrationAgainDoes() {
    sequencer.start(KEY, "s", new ChangeId(1, 3), List.of(synced(1, 3, Cause.REPLAY)));
    sequencer.stop(KEY, new ChangeId(1, 3), List.of(hook(Cmd.HN_UNREGISTER, "a", "n1", 1, 3, true,
        Cause.TEARDOWN)));
    sequencer.resync(KEY, "s", new ChangeId(1, 2), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 2, true,
        Cause.RESYNC), synced(1, 2, Cause.RESYNC)));
    sequencer.start(KEY, "s", new ChangeId(1, 2), List.of(synced(1, 2, Cause.REPLAY)));
    sequencer.start(KEY, "s", new ChangeId(1, 3), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 3, true,
        Cause.REPLAY), synced(1, 3, Cause.REPLAY)));

    assertThat(told).containsExactly("HN_SYNCED null n1 REPLAY 1.3", "HN_UNREGISTER a n1 TEARDOWN 1.3",
        "HN_REGISTER a n1 REPLAY 1.3", "HN_SYNCED null n1 REPLAY 1.3");
  }

  @Test
  void aMergeThatPutsTheCallbackBackAtItsRemovalsSeqBringsTheStreamBackAndItsFillAnswers() {
    sequencer.start(KEY, "s", new ChangeId(1, 3), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 3, true,
        Cause.REPLAY), synced(1, 3, Cause.REPLAY)));
    // The other side took this node for gone and removed the callback (no teardown); the merge put it back.
    sequencer.stop(KEY, new ChangeId(1, 5), List.of());
    sequencer.resync(KEY, "s", new ChangeId(1, 5), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 5, true,
        Cause.RESYNC), synced(1, 5, Cause.RESYNC)));
    sequencer.filled(KEY, "s", new ChangeId(1, 5), List.of(synced(1, 5, Cause.REPLAY)), List.of());
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "b", "n1", 1, 6, false, Cause.REGISTERED), 1);

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.3", "HN_SYNCED null n1 REPLAY 1.3",
        "HN_REGISTER a n1 RESYNC 1.5", "HN_SYNCED null n1 RESYNC 1.5", "HN_SYNCED null n1 REPLAY 1.5",
        "HN_REGISTER b n1 REGISTERED 1.6");
  }

  @Test
  void aFillAnsweredAfterTheStreamWasStartedAgainGivesNothingOfWhatItHadAndIsAskedAgain() {
    List<ChangeId> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    CallbackSequencer filling = new CallbackSequencer(vertx, 50, (key, event) -> told.add(event.cmd() + " "
        + event.hook() + " " + event.epoch() + "." + event.seq()), (key, session, last) -> asked.add(last));
    filling.start(KEY, null, new ChangeId(1, 1), replayOfA(1));
    filling.live(KEY, hook(Cmd.HN_REGISTER, "c", "n1", 1, 3, false, Cause.REGISTERED), 1);
    Await.until("the gap after seq 1 to be filled", Duration.ofSeconds(5), () -> asked.size() == 1);
    // Before the fill is answered, a merge re-synchronises the stream at 3.5 ...
    vertx.runOnContext(v -> filling.resync(KEY, null, new ChangeId(3, 5), List.of(hook(Cmd.HN_REGISTER, "a", "n1",
        3, 5, true, Cause.RESYNC), synced(3, 5, Cause.RESYNC))));
    // ... then the answer comes, with the changes after 1.1 as the family kept them, across its lineages.
    vertx.runOnContext(v -> filling.filled(KEY, null, new ChangeId(3, 6), List.of(
        hook(Cmd.HN_REGISTER, "b", "n1", 1, 2, false, Cause.REGISTERED),
        hook(Cmd.HN_REGISTER, "c", "n1", 2, 3, false, Cause.REGISTERED),
        hook(Cmd.HN_UNREGISTER, "c", "n1", 3, 4, false, Cause.UNREGISTERED),
        hook(Cmd.HN_UNREGISTER, "b", "n1", 3, 5, false, Cause.UNREGISTERED),
        hook(Cmd.HN_REGISTER, "d", "n1", 3, 6, false, Cause.REGISTERED), synced(3, 6, Cause.REPLAY)), List.of()));
    // Nothing of it is given; the stream asks for what follows 3.5, and that answer is given.
    Await.until("the fill to be asked again", Duration.ofSeconds(5), () -> asked.size() == 2);
    assertThat(asked).containsExactly(new ChangeId(1, 1), new ChangeId(3, 5));
    vertx.runOnContext(v -> filling.filled(KEY, null, new ChangeId(3, 6), List.of(
        hook(Cmd.HN_REGISTER, "d", "n1", 3, 6, false, Cause.REGISTERED), synced(3, 6, Cause.REPLAY)), List.of()));
    Await.until("the answer to be given", Duration.ofSeconds(5), () -> told.size() >= 6);
    assertThat(told).containsExactly("HN_REGISTER a 1.1", "HN_SYNCED null 1.1", "HN_REGISTER a 3.5",
        "HN_SYNCED null 3.5", "HN_REGISTER d 3.6", "HN_SYNCED null 3.6");
  }

  @Test
  void aResyncOfASessionsCallbackThisNodeNeverDeliveredWaitsForItsClientsResume() {
    // The session's client moved here; before its resume is answered, a re-assertion here re-synchronises its
    // callback, and live changes follow. Its client may not listen here yet: nothing is taken as given.
    sequencer.resync(KEY, "s", new ChangeId(1, 5), List.of(hook(Cmd.HN_REGISTER, "a", "n1", 1, 5, true,
        Cause.RESYNC), synced(1, 5, Cause.RESYNC)));
    sequencer.live(KEY, hook(Cmd.HN_REGISTER, "d", "n1", 1, 6, false, Cause.REGISTERED), 1);
    assertThat(told).isEmpty();
    // The resume, after the last change the client saw (1.2), brings everything since.
    sequencer.start(KEY, "s", new ChangeId(1, 5), List.of(hook(Cmd.HN_REGISTER, "b", "n1", 1, 3, false,
        Cause.REGISTERED), hook(Cmd.HN_REGISTER, "c", "n1", 1, 4, false, Cause.REGISTERED),
        hook(Cmd.HN_UNREGISTER, "b", "n1", 1, 5, false, Cause.UNREGISTERED), synced(1, 5, Cause.REPLAY)));
    assertThat(told).containsExactly("HN_REGISTER b n1 REGISTERED 1.3", "HN_REGISTER c n1 REGISTERED 1.4",
        "HN_UNREGISTER b n1 UNREGISTERED 1.5", "HN_SYNCED null n1 REPLAY 1.5", "HN_REGISTER d n1 REGISTERED 1.6");
  }

  @Test
  void aFillAnswerForAStreamStillThereIsGiven() {
    sequencer.start(KEY, "s", new ChangeId(1, 1), replayOfA(1));
    sequencer.filled(KEY, "s", new ChangeId(1, 3), changesTwoAndThree(), List.of());

    assertThat(told).containsExactly("HN_REGISTER a n1 REPLAY 1.1", "HN_SYNCED null n1 REPLAY 1.1",
        "HN_REGISTER b n1 REGISTERED 1.2", "HN_REGISTER c n1 REGISTERED 1.3", "HN_SYNCED null n1 REPLAY 1.3");
  }

  private static HookEvent hook(Cmd cmd, String hook, String node, long epoch, long seq, boolean replay,
      Cause cause) {
    return new HookEvent(cmd, "inet", "IN", hook, node, null, Hint.NONE, null, 0, epoch, seq, replay, cause);
  }

  private static HookEvent synced(long epoch, long seq, Cause cause) {
    return new HookEvent(Cmd.HN_SYNCED, "inet", "IN", null, "n1", null, null, null, 0, epoch, seq, true, cause);
  }
}
