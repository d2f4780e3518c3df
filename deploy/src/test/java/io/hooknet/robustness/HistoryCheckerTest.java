package io.hooknet.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.robustness.HistoryChecker.Violation;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The checker finds what it is for: a clean history passes, and each planted fault — a gap, a duplicate, a
 * stream travelling back, two changes under one identity, a lost acknowledged registration, two owners of a name,
 * nodes that disagree, a stale stream, a hook that outlived its session, a gone session's hook told registered
 * again, a socket event told twice — is reported under its rule with the records that show it.
 */
class HistoryCheckerTest {

  private static final String E = "f/IN";
  private static final String S1 = "s-1";
  private static final String S2 = "s-2";

  /** Two clients register a and b, an observer stream sees the replay and both, every node lists a, b. */
  private static History clean() {
    History h = new History(42);
    h.op("c1", "n1", S1, "hook.register", E, "a", 0, 1, 0, 1L, 1L);
    h.op("c2", "n2", S2, "hook.register", E, "b", 2, 3, 0, 1L, 2L);
    h.op("c2", "n2", S2, "hook.register", E, "a", 4, 5, 17, null, null);
    h.delivery("obs", E, "HN_SYNCED", null, null, 1, 0, true, "REPLAY", -1, 0);
    h.delivery("obs", E, "HN_REGISTER", "a", S1, 1, 1, false, "REGISTERED", 0, 1);
    h.delivery("obs", E, "HN_REGISTER", "b", S2, 1, 2, false, "REGISTERED", 1, 3);
    h.liveAtEnd("obs");
    h.sockEvent("n1#1", "default", 1, 1, "c1", "n1 #1");
    h.sockEvent("n1#1", "default", 2, 2, "c1", "n1 #1");
    for (String node : List.of("n1", "n2", "n3")) {
      h.chain(node, E, List.of("a", "b"), List.of(S1, S2));
    }
    h.end(TimeUnit.SECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(10));
    return h;
  }

  /** A clean history in which s-3's client registers "split" through n3 and is answered with seq 3. */
  private static History splitRegistration() {
    History h = clean();
    h.op("c3", "n3", "s-3", "hook.register", E, "split", 6, 7, 0, null, 3L);
    return h;
  }

  private static List<Violation> check(History history) {
    List<Violation> violations = HistoryChecker.check(history);
    violations.forEach(System.out::println);
    return violations;
  }

  @Test
  void aCleanHistoryPasses() {
    assertThat(check(clean())).isEmpty();
  }

  /**
   * The observer's connection ends in a RESYNC replay (of another lineage, which told b gone): it resumes after the
   * last change it saw and is given the change after it. Without the cut the same deliveries break stream-order.
   */
  private static History cutReplay(boolean cut) {
    History h = new History(42);
    h.op("c1", "n1", S1, "hook.register", E, "a", 0, 1, 0, 1L, 1L);
    h.op("c2", "n2", S2, "hook.register", E, "b", 2, 3, 0, 1L, 2L);
    h.delivery("obs", E, "HN_SYNCED", null, null, 1, 0, true, "REPLAY", -1, 0);
    h.delivery("obs", E, "HN_REGISTER", "a", S1, 1, 1, false, "REGISTERED", 0, 1);
    h.delivery("obs", E, "HN_REGISTER", "b", S2, 1, 2, false, "REGISTERED", 1, 3);
    h.delivery("obs", E, "HN_UNREGISTER", "b", S2, 9, 2, true, "MERGE_CONFLICT", 1, 4);
    h.delivery("obs", E, "HN_REGISTER", "a", S1, 9, 2, true, "RESYNC", 0, 4);
    if (cut) {
      h.replayCut("obs");
    }
    h.op("c1", "n1", S1, "hook.register", E, "c", 5, 6, 0, 1L, 3L);
    h.delivery("obs", E, "HN_REGISTER", "c", S1, 1, 3, false, "REGISTERED", 2, 7);
    h.liveAtEnd("obs");
    for (String node : List.of("n1", "n2", "n3")) {
      h.chain(node, E, List.of("a", "b", "c"), List.of(S1, S2, S1));
    }
    h.end(TimeUnit.SECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(10));
    return h;
  }

  @Test
  void aReplayCutWithItsConnectionIsVoid() {
    assertThat(check(cutReplay(true))).isEmpty();
    assertThat(check(cutReplay(false))).extracting(Violation::rule).containsExactly("stream-order", "fold");
  }

  @Test
  void aGap() {
    History h = clean();
    h.delivery("obs", E, "HN_REGISTER", "c", S1, 1, 4, false, "REGISTERED", 2, 6);
    assertThat(check(h)).extracting(Violation::rule).contains("stream-order");
    assertThat(check(h).get(0).message()).isEqualTo("obs: gap: seq 4 after seq 2 (missing 1)");
    assertThat(check(h).get(0).excerpt()).last().asString().contains("seq=4");
  }

  @Test
  void aCatchUpThatSkipsChangesIsAGapAndOneThatGivesThemIsNot() {
    History skipped = clean();
    skipped.delivery("obs", E, "HN_SYNCED", null, null, 1, 4, true, "REPLAY", -1, 6);
    assertThat(check(skipped)).extracting(Violation::message)
        .contains("obs: gap: a catch-up to seq 4 after seq 2 gave none of the changes between");

    History given = clean();
    given.op("c1", "n1", S1, "hook.register", E, "c", 6, 7, 0, 1L, 3L);
    given.op("c1", "n1", S1, "hook.unregister", E, "c", 8, 9, 0, 1L, 4L);
    given.delivery("obs", E, "HN_REGISTER", "c", S1, 1, 3, false, "REGISTERED", 2, 10);
    given.delivery("obs", E, "HN_UNREGISTER", "c", S1, 1, 4, false, "UNREGISTERED", 2, 10);
    given.delivery("obs", E, "HN_SYNCED", null, null, 1, 4, true, "REPLAY", -1, 10);
    assertThat(check(given)).isEmpty();
  }

  @Test
  void aDuplicate() {
    History h = clean();
    h.delivery("obs", E, "HN_REGISTER", "b", S2, 1, 2, false, "REGISTERED", 1, 6);
    assertThat(check(h)).extracting(Violation::message).contains("obs: duplicate: seq 2 after seq 2");
  }

  @Test
  void aStreamTravellingBack() {
    History h = clean();
    h.delivery("obs", E, "HN_SYNCED", null, null, 1, 1, false, "REPLAY", -1, 6);
    assertThat(check(h)).extracting(Violation::rule).contains("stream-order");
    assertThat(check(h).get(0).message()).contains("travelling back");
  }

  @Test
  void aNewEpochThatContinuesTheNumberingIsNoGap() {
    History h = clean();
    h.op("c1", "n1", S1, "hook.register", E, "c", 6, 7, 0, 2L, 3L);
    h.delivery("obs", E, "HN_REGISTER", "c", S1, 2, 3, false, "REGISTERED", 2, 8);
    for (String node : List.of("n1", "n2", "n3")) {
      h.chain(node, E, List.of("a", "b", "c"), List.of(S1, S2, S1));
    }
    assertThat(HistoryChecker.check(h)).extracting(Violation::rule).doesNotContain("stream-order");
  }

  @Test
  void twoChangesUnderOneIdentity() {
    History h = clean();
    h.delivery("other", E, "HN_SYNCED", null, null, 1, 0, true, "REPLAY", -1, 0);
    h.delivery("other", E, "HN_REGISTER", "z", S2, 1, 1, false, "REGISTERED", 0, 1);
    assertThat(check(h)).extracting(Violation::rule).contains("one-identity");
  }

  @Test
  void aLostAcknowledgedRegistration() {
    History h = clean();
    h.op("c3", "n3", "s-3", "hook.register", E, "lost", 6, 7, 0, 1L, 3L);
    List<Violation> violations = check(h);
    assertThat(violations).extracting(Violation::rule).containsExactly("acknowledged");
    assertThat(violations.get(0).message())
        .isEqualTo("f/IN/lost/s-3: 1 acknowledged registration(s), none in the final chain, 0 removal(s) told");
    assertThat(violations.get(0).excerpt().get(0)).contains("hook=lost").contains("session=s-3").contains("seq=3");
  }

  @Test
  void aLostRegistrationIsReportedWithWhatBecameOfIt() {
    History h = clean();
    h.fault("pause", "n3", 2_000_000_000L, 6_500_000_000L);
    h.fault("client-disconnect", "c1", 5_000_000_000L, 5_000_000_000L);
    h.op("c3", "n3", "s-3", "hook.register", E, "lost", 6_000_000_000L, 6_250_000_000L, 0, 1L, 3L);
    h.delivery("obs", E, "HN_REGISTER", "lost", "s-3", 1, 3, false, "REGISTERED", 2, 6_300_000_000L);
    h.op("c3", "n1", "s-3", "hook.unregister", E, "lost", 9_000_000_000L, 9_100_000_000L, 6, null, null);
    List<Violation> lost = check(h).stream().filter(v -> v.rule().equals("acknowledged")).toList();
    assertThat(lost).hasSize(1);
    assertThat(lost.get(0).excerpt()).endsWith(
        "fault pause n3 2.00-6.50 s",
        "then hook.unregister by c3 at n1 9.00-9.10 s: errno 6, seq null",
        "told HN_REGISTER lost/s-3 1.3 REGISTERED at 6.30 s to obs");
  }

  @Test
  void aRegistrationThatWentSilentlyWithItsSessionIsLostToo() {
    // However the session ended, by its client or by the cluster, the removal of a registration that callbacks were
    // told of must be told.
    for (boolean byCluster : new boolean[] {false, true}) {
      History h = clean();
      h.op("c3", "n3", "s-3", "hook.register", E, "split", 6, 7, 0, 1L, 3L);
      h.delivery("watcher", E, "HN_REGISTER", "split", "s-3", 1, 3, false, "REGISTERED", 2, 7);
      if (byCluster) {
        h.sessionFoundEnded("s-3", 9);
      } else {
        h.sessionEnded("s-3", 9);
      }
      assertThat(check(h)).extracting(Violation::rule).contains("acknowledged");
    }
  }

  @Test
  void aRegistrationNoOneWasToldOfIsAccountedForByWhatItsOwnerWasToldAfter() {
    // s-3 registers on a side of a split that no callback watches; the other side ends the session, and its client,
    // coming back there, finds it ended: the registration went with it, and the owner was told so.
    History h = splitRegistration();
    h.sessionFoundEnded("s-3", 9);
    assertThat(check(h)).isEmpty();
    // Found ended before the registration was answered: that is no answer to the registration.
    History early = clean();
    early.sessionFoundEnded("s-3", 5);
    early.op("c3", "n3", "s-3", "hook.register", E, "split", 6, 7, 0, null, 3L);
    assertThat(check(early)).extracting(Violation::rule).containsExactly("acknowledged");
    // Its owner unregistered the name afterwards and was answered.
    History unregistered = splitRegistration();
    unregistered.op("c3", "n1", "s-3", "hook.unregister", E, "split", 8, 9, 0, null, 4L);
    assertThat(check(unregistered)).isEmpty();
    // Closed by its own client: the session's clean-up must tell its removal.
    History closed = splitRegistration();
    closed.sessionEnded("s-3", 9);
    assertThat(check(closed)).extracting(Violation::rule).containsExactly("acknowledged");
  }

  @Test
  void aRegistrationToldOnlyToCallbacksThatWentWithTheirSessionsIsAccountedForByItsOwner() {
    // s-3 registers on a side of a split; only "watcher", a callback of a session on that side too, is told. The
    // other side ends both sessions; both clients come back and find them ended: the watcher's callback went with
    // its session, and the registration's owner was told.
    History h = splitRegistration();
    h.delivery("watcher", E, "HN_SYNCED", null, null, 1, 2, true, "REPLAY", -1, 5);
    h.delivery("watcher", E, "HN_REGISTER", "split", "s-3", 1, 3, false, "REGISTERED", 2, 7);
    h.sessionFoundEnded("s-4", 8);
    h.streamEnded("watcher", 8);
    h.sessionFoundEnded("s-3", 9);
    assertThat(check(h)).isEmpty();
    // A callback told of it that lives on (here through a replay) must be told of its removal.
    History lives = splitRegistration();
    lives.delivery("watcher", E, "HN_SYNCED", null, null, 1, 2, true, "REPLAY", -1, 5);
    lives.delivery("watcher", E, "HN_REGISTER", "split", "s-3", 1, 3, false, "REGISTERED", 2, 7);
    lives.streamEnded("watcher", 8);
    lives.delivery("other", E, "HN_REGISTER", "split", "s-3", 1, 3, true, "REPLAY", 0, 8);
    lives.delivery("other", E, "HN_SYNCED", null, null, 1, 3, true, "REPLAY", -1, 8);
    lives.sessionFoundEnded("s-3", 9);
    assertThat(check(lives)).extracting(Violation::rule).containsExactly("acknowledged");
  }

  @Test
  void aRegistrationOnASideNoOneWatchedWhoseClientWentAwayIsAccountedFor() {
    // s-3 registers "split" on a side of a split no callback watches, as seq 3, which the other side numbers
    // another change; its client then goes away. At the merge the name is lost to the other side's owner and only
    // s-3 would be told, on its session's notices, which no one reads any more.
    History h = splitRegistration();
    h.delivery("obs", E, "HN_REGISTER", "c", S1, 1, 3, false, "REGISTERED", 2, 7);
    h.sessionEnded("s-3", 9);
    assertThat(check(h)).extracting(Violation::rule).doesNotContain("acknowledged");
    // Without another change at its seq it was made where everyone watched: its removal must be told.
    History watched = splitRegistration();
    watched.sessionEnded("s-3", 9);
    assertThat(check(watched)).extracting(Violation::rule).containsExactly("acknowledged");
  }

  @Test
  void aNodesRegistrationOnASideOnlyItsOwnCallbackWatchedGoesWithTheNodeKilled() {
    // The Java client's member j1, cut off alone, registers x as seq 3 (the other side numbers another change 3);
    // only its own callback is told, and it is killed before the merge: its callback went with it.
    History h = clean();
    h.op("java", "j1", null, "hook.register", E, "x", 6, 7, 0, null, 3L);
    h.delivery("obs", E, "HN_REGISTER", "c", S1, 1, 3, false, "REGISTERED", 2, 7);
    h.delivery("java:j1:1", E, "HN_REGISTER", "x", "node:j1", 2, 3, false, "REGISTERED", 0, 7);
    h.sessionEnded("node:j1", 9);
    h.streamEnded("java:j1:1", 9);
    assertThat(check(h)).extracting(Violation::rule).doesNotContain("acknowledged");
    // Not killed, the node owes its callbacks the registration's fate.
    History alive = clean();
    alive.op("java", "j1", null, "hook.register", E, "x", 6, 7, 0, null, 3L);
    alive.delivery("obs", E, "HN_REGISTER", "c", S1, 1, 3, false, "REGISTERED", 2, 7);
    alive.delivery("java:j1:1", E, "HN_REGISTER", "x", "node:j1", 2, 3, false, "REGISTERED", 0, 7);
    alive.streamEnded("java:j1:1", 9);
    assertThat(check(alive)).extracting(Violation::rule).contains("acknowledged");
  }

  @Test
  void aRegistrationMadeAgainByItsOwnerAcrossASplitIsOneRegistration() {
    // s-3 registers x on one side of a split (seq 3 under epoch 9, while the other side numbers another change 3
    // under epoch 1), then again on the other side; the merge keeps one, and one removal accounts for both.
    History split = clean();
    split.op("c3", "n3", "s-3", "hook.register", E, "x", 6, 7, 0, null, 3L);
    split.op("c3", "n1", "s-3", "hook.register", E, "x", 8, 9, 0, null, 4L);
    split.delivery("side", E, "HN_SYNCED", null, null, 9, 2, true, "REPLAY", -1, 0);
    split.delivery("side", E, "HN_REGISTER", "x", "s-3", 9, 3, false, "REGISTERED", 2, 7);
    split.delivery("other", E, "HN_SYNCED", null, null, 1, 2, true, "REPLAY", -1, 0);
    split.delivery("other", E, "HN_REGISTER", "z", S1, 1, 3, false, "REGISTERED", 2, 7);
    split.delivery("other", E, "HN_REGISTER", "x", "s-3", 1, 4, false, "REGISTERED", 3, 9);
    split.delivery("other", E, "HN_UNREGISTER", "x", "s-3", 1, 5, false, "UNREGISTERED", 3, 10);
    assertThat(check(split)).isEmpty();
    // No callback saw either live (only replays did), but the later one is numbered lower: another lineage.
    History unseen = clean();
    unseen.op("c3", "n2", "s-3", "hook.register", E, "x", 6, 7, 0, null, 5L);
    unseen.op("c3", "n1", "s-3", "hook.register", E, "x", 8, 9, 0, null, 3L);
    unseen.op("c3", "n1", "s-3", "hook.unregister", E, "x", 10, 11, 0, null, 6L);
    unseen.delivery("late", E, "HN_REGISTER", "x", "s-3", 9, 5, true, "REPLAY", 0, 0);
    unseen.delivery("late", E, "HN_SYNCED", null, null, 9, 5, true, "REPLAY", -1, 0);
    unseen.delivery("late", E, "HN_UNREGISTER", "x", "s-3", 9, 6, false, "UNREGISTERED", 0, 11);
    assertThat(check(unseen)).isEmpty();
    // Within one lineage, a second registration without a removal told in between means the first was lost.
    History lost = clean();
    lost.op("c3", "n3", "s-3", "hook.register", E, "x", 6, 7, 0, null, 3L);
    lost.op("c3", "n1", "s-3", "hook.register", E, "x", 8, 9, 0, null, 4L);
    lost.delivery("other", E, "HN_SYNCED", null, null, 1, 2, true, "REPLAY", -1, 0);
    lost.delivery("other", E, "HN_REGISTER", "x", "s-3", 1, 3, false, "REGISTERED", 2, 7);
    lost.delivery("other", E, "HN_REGISTER", "x", "s-3", 1, 4, false, "REGISTERED", 2, 9);
    lost.delivery("other", E, "HN_UNREGISTER", "x", "s-3", 1, 5, false, "UNREGISTERED", 2, 10);
    assertThat(check(lost)).extracting(Violation::rule).containsExactly("acknowledged");
  }

  /**
   * s-3 registers x as seq 3 (epoch 1), watched by obs. A split: on the cut-off side (epoch 7) s-3 unregisters x (seq
   * 4) and registers it again (seq 5), told only to a callback whose session that side loses; the other side
   * (epoch 8) numbers 4 and 5 for z and y, and a callback registered there gets a replay at seq 5 that still holds
   * x of seq 3. s-3's client comes over and unregisters x there (seq 6), told to both live callbacks; the merge
   * keeps the other side. {@code laterReplay} is the lineage of the replay held at the end: 8, or 7 (the cut-off
   * side's, where x at 5 is the second registration).
   */
  private static History remadeOnTheCutOffSide(long laterReplay) {
    History h = new History(42);
    h.op("c1", "n1", S1, "hook.register", E, "a", 0, 1, 0, null, 1L);
    h.op("c3", "n1", "s-3", "hook.register", E, "x", 2, 3, 0, null, 3L);
    h.delivery("obs", E, "HN_SYNCED", null, null, 1, 0, true, "REPLAY", -1, 0);
    h.delivery("obs", E, "HN_REGISTER", "a", S1, 1, 1, false, "REGISTERED", 0, 1);
    h.delivery("obs", E, "HN_REGISTER", "b", S2, 1, 2, false, "REGISTERED", 1, 2);
    h.delivery("obs", E, "HN_REGISTER", "x", "s-3", 1, 3, false, "REGISTERED", 2, 3);
    h.op("c3", "n2", "s-3", "hook.unregister", E, "x", 4, 5, 0, null, 4L);
    h.op("c3", "n2", "s-3", "hook.register", E, "x", 6, 7, 0, null, 5L);
    h.delivery("side", E, "HN_REGISTER", "x", "s-3", 7, 5, true, "REPLAY", 0, 8);
    h.delivery("side", E, "HN_SYNCED", null, null, 7, 5, true, "REPLAY", -1, 8);
    h.sessionFoundEnded("s-4", 9);
    h.streamEnded("side", 9);
    h.delivery("obs", E, "HN_REGISTER", "z", S1, 8, 4, false, "REGISTERED", 3, 5);
    h.delivery("obs", E, "HN_REGISTER", "y", S2, 8, 5, false, "REGISTERED", 4, 7);
    List<String> hooks = laterReplay == 8 ? List.of("a", "b", "x", "z", "y") : List.of("a", "b", "x");
    List<String> owners = laterReplay == 8 ? List.of(S1, S2, "s-3", S1, S2) : List.of(S1, S2, "s-3");
    for (int i = 0; i < hooks.size(); i++) {
      h.delivery("late", E, "HN_REGISTER", hooks.get(i), owners.get(i), laterReplay, 5, true, "REPLAY", i, 10);
    }
    h.delivery("late", E, "HN_SYNCED", null, null, laterReplay, 5, true, "REPLAY", -1, 10);
    h.op("c3", "n1", "s-3", "hook.unregister", E, "x", 11, 12, 0, null, 6L);
    h.delivery("obs", E, "HN_UNREGISTER", "x", "s-3", 8, 6, false, "UNREGISTERED", 2, 12);
    h.delivery("late", E, "HN_UNREGISTER", "x", "s-3", 8, 6, false, "UNREGISTERED", 2, 12);
    h.liveAtEnd("obs");
    h.liveAtEnd("late");
    for (String node : List.of("n1", "n2", "n3")) {
      h.chain(node, E, List.of("a", "b", "z", "y"), List.of(S1, S2, S1, S2));
    }
    h.end(TimeUnit.SECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(10));
    return h;
  }

  @Test
  void aReplayOfTheLineageTheMergeKeptHoldsTheEarlierRegistrationNotTheOneMadeOnTheCutOffSide() {
    // Two registrations, one removal told: the first's, to obs and late; the second went with the cut-off side,
    // told only to a callback that went with its session, and its owner unregistered the name afterwards.
    assertThat(check(remadeOnTheCutOffSide(8))).isEmpty();
    // A callback that lives on holding x as the cut-off side numbered it (epoch 7, seq 5) is owed that removal.
    List<Violation> owed = check(remadeOnTheCutOffSide(7));
    assertThat(owed).extracting(Violation::rule).contains("acknowledged");
    assertThat(owed.stream().filter(v -> v.rule().equals("acknowledged")).findFirst().orElseThrow().message())
        .isEqualTo("f/IN/x/s-3: 2 acknowledged registration(s), none in the final chain, 1 removal(s) told");
  }

  @Test
  void aRegistrationTheMergePutBackIntoTheOtherLineageIsOwedItsRemoval() {
    // s-3 registers x on the cut-off side as seq 5 (epoch 7), which the other side (epoch 8) numbers another change;
    // the merge puts x back there (seq 6), obs is told, and x then goes without a word though its owner unregisters
    // it: obs holds x to the end, so the registration was not gone to its owner alone.
    History h = new History(42);
    h.op("c1", "n1", S1, "hook.register", E, "a", 0, 1, 0, null, 1L);
    h.delivery("obs", E, "HN_SYNCED", null, null, 8, 0, true, "REPLAY", -1, 0);
    h.delivery("obs", E, "HN_REGISTER", "a", S1, 8, 1, false, "REGISTERED", 0, 1);
    h.op("c3", "n2", "s-3", "hook.register", E, "x", 2, 3, 0, null, 5L);
    h.delivery("side", E, "HN_SYNCED", null, null, 7, 4, true, "REPLAY", -1, 2);
    h.delivery("side", E, "HN_REGISTER", "x", "s-3", 7, 5, false, "REGISTERED", 1, 3);
    h.sessionFoundEnded("s-4", 4);
    h.streamEnded("side", 4);
    for (long seq = 2; seq <= 5; seq++) {
      h.delivery("obs", E, "HN_REGISTER", "y" + seq, S2, 8, seq, false, "REGISTERED", (int) seq - 1, 3);
    }
    h.delivery("obs", E, "HN_REGISTER", "x", "s-3", 8, 6, false, "REGISTERED", 5, 5);
    h.op("c3", "n1", "s-3", "hook.unregister", E, "x", 6, 7, 0, null, 7L);
    h.liveAtEnd("obs");
    for (String node : List.of("n1", "n2", "n3")) {
      h.chain(node, E, List.of("a", "y2", "y3", "y4", "y5"), List.of(S1, S2, S2, S2, S2));
    }
    h.end(TimeUnit.SECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(10));
    assertThat(check(h)).extracting(Violation::message)
        .contains("f/IN/x/s-3: 1 acknowledged registration(s), none in the final chain, 0 removal(s) told");
  }

  @Test
  void aRegistrationRemovedWithATypedCauseIsNotLost() {
    History h = clean();
    h.op("c3", "n3", "s-3", "hook.register", E, "gone", 6, 7, 0, 1L, 3L);
    h.delivery("obs", E, "HN_REGISTER", "gone", "s-3", 1, 3, false, "REGISTERED", 2, 8);
    h.delivery("obs", E, "HN_UNREGISTER", "gone", "s-3", 1, 4, false, "MERGE_CONFLICT", 2, 9);
    assertThat(check(h)).isEmpty();
  }

  @Test
  void twoOwnersOfOneName() {
    History h = clean();
    h.chain("n4", E, List.of("a", "b", "a"), List.of(S1, S2, S2));
    assertThat(check(h)).extracting(Violation::rule).contains("converged");
    assertThat(check(h)).extracting(Violation::message).contains("f/IN: node n4 lists a name twice");
  }

  @Test
  void nodesThatDisagree() {
    History h = clean();
    h.chain("n4", E, List.of("b", "a"), List.of(S2, S1));
    assertThat(check(h)).extracting(Violation::message).contains("f/IN: nodes n1 and n4 list different chains");
  }

  @Test
  void aStaleStream() {
    History h = clean();
    h.delivery("late", E, "HN_REGISTER", "a", S1, 1, 1, true, "REPLAY", 0, 4);
    h.delivery("late", E, "HN_SYNCED", null, null, 1, 1, true, "REPLAY", -1, 4);
    h.liveAtEnd("late");
    List<Violation> violations = check(h);
    assertThat(violations).extracting(Violation::rule).containsExactly("fold");
    assertThat(violations.get(0).message()).isEqualTo("late folds to [a/s-1], the final chain is [a/s-1, b/s-2]");
  }

  @Test
  void aHookThatOutlivedItsSession() {
    History h = clean();
    h.sessionEnded(S2, TimeUnit.SECONDS.toNanos(50));
    List<Violation> violations = check(h);
    assertThat(violations).extracting(Violation::rule).containsExactly("owner-gone", "owner-gone", "owner-gone");
    assertThat(violations.get(0).message()).isEqualTo("session s-2 ended 50 s before the end, yet n1 lists its hook");
    History recent = clean();
    recent.sessionEnded(S2, TimeUnit.SECONDS.toNanos(80));
    assertThat(check(recent)).isEmpty();
  }

  /**
   * s-3 registers h once and goes away; the observer is told h gone with its client, then registered and gone again
   * (a second node's clean-up putting it back). With a second registration of h by s-3 (made on the other side of a
   * split, which the merge puts back to remove) the same deliveries are due.
   */
  private static History ghost(boolean registeredTwice) {
    History h = clean();
    h.op("c3", "n1", "s-3", "hook.register", E, "h", 6, 7, 0, 1L, 3L);
    h.op("c3", "n2", "s-3", "hook.register", E, "h", 7, 8, 17, null, null);
    if (registeredTwice) {
      h.op("c3", "n3", "s-3", "hook.register", E, "h", 8, 9, 0, 7L, 3L);
    }
    h.delivery("obs", E, "HN_REGISTER", "h", "s-3", 1, 3, false, "REGISTERED", 2, 10);
    h.delivery("obs", E, "HN_UNREGISTER", "h", "s-3", 1, 4, false, "CLIENT_LEFT", 2, 11);
    h.delivery("obs", E, "HN_REGISTER", "h", "s-3", 1, 5, false, "REGISTERED", 2, 12);
    h.delivery("obs", E, "HN_UNREGISTER", "h", "s-3", 1, 6, false, "CLIENT_LEFT", 2, 13);
    h.sessionEnded("s-3", 9);
    return h;
  }

  @Test
  void aGoneSessionsHookToldRegisteredAgain() {
    List<Violation> violations = check(ghost(false));
    assertThat(violations).extracting(Violation::rule).containsExactly("gone-for-good");
    assertThat(violations.get(0).message()).isEqualTo("obs: h of s-3 registered again at seq 5 after it went "
        + "(CLIENT_LEFT) at seq 4; its owner asked to register it (other than refused with EEXIST) 1 time(s)");
    assertThat(check(ghost(true))).isEmpty();
  }

  /** The Java client's node unregisters x, and the observer is told it registered again, as by a re-assertion. */
  @Test
  void anUnregisteredHookToldRegisteredAgain() {
    History h = clean();
    h.op("java", "j1", null, "hook.register", E, "x", 6, 7, 0, 1L, 3L);
    h.op("java", "j1", null, "hook.unregister", E, "x", 8, 9, 0, 1L, 4L);
    h.delivery("obs", E, "HN_REGISTER", "x", "node:j1", 1, 3, false, "REGISTERED", 2, 10);
    h.delivery("obs", E, "HN_UNREGISTER", "x", "node:j1", 1, 4, false, "UNREGISTERED", 2, 11);
    h.delivery("obs", E, "HN_REGISTER", "x", "node:j1", 1, 5, false, "REGISTERED", 2, 12);
    h.delivery("obs", E, "HN_UNREGISTER", "x", "node:j1", 1, 6, false, "UNREGISTERED", 2, 13);
    List<Violation> violations = check(h);
    assertThat(violations).extracting(Violation::rule).containsExactly("gone-for-good");
    assertThat(violations.get(0).message()).isEqualTo("obs: x of node:j1 registered again at seq 5 after it went "
        + "(UNREGISTERED) at seq 4; its owner asked to register it (other than refused with EEXIST) 1 time(s)");
  }

  @Test
  void aSocketEventToldTwice() {
    History h = clean();
    h.sockEvent("n1#1", "default", 2, 3, "c1", "n1 #1");
    assertThat(check(h)).extracting(Violation::rule).containsExactly("sock-events");
  }

  @Test
  void aSocketEventToldTwiceOverOneConnection() {
    History h = clean();
    h.sockEvent("n1#1", "default", 2, 2, "c1", "n1 #1");
    assertThat(check(h)).extracting(Violation::message)
        .containsExactly("n1#1/default to c1 over n1 #1: seq 2 after 2");
  }

  @Test
  void aSocketEventHeardAgainFromTheNodeItsClientMovedToIsNoViolation() {
    History h = clean();
    h.sockEvent("n1#1", "default", 2, 2, "c1", "n2 #2");
    assertThat(check(h)).isEmpty();
  }

  @Test
  void oneSeqForTwoSocketEvents() {
    History h = clean();
    h.sockEvent("n1#1", "default", 3, 2, "c2", "n1 #1");
    assertThat(check(h)).extracting(Violation::message)
        .containsExactly("n1#1/default: seq 2 numbers datafd 2 and 3");
  }

  @Test
  void aTeardownThatLacksAHookItsStreamHeldWithNoRemovalToldIsALostRegistration() {
    // s-3's hook went while a callback was being unregistered: the callback's teardown no longer names it, and the
    // callback was never told it went.
    History h = clean();
    h.op("c3", "n3", "s-3", "hook.register", E, "gone", 6, 7, 0, null, 3L);
    h.delivery("watcher", E, "HN_REGISTER", "gone", "s-3", 1, 3, true, "REPLAY", 0, 7);
    h.delivery("watcher", E, "HN_SYNCED", null, null, 1, 3, true, "REPLAY", -1, 7);
    h.delivery("watcher", E, "HN_UNREGISTER", "a", S1, 1, 4, true, "TEARDOWN", 0, 8);
    h.sessionEnded("s-3", 9);
    assertThat(check(h)).extracting(Violation::message).containsExactly(
        "f/IN/gone/s-3: 1 acknowledged registration(s), none in the final chain, 0 removal(s) told",
        "watcher: torn down at seq 4 without [gone/s-3], which it held and was not told gone");

    // Torn down while it was still there (the teardown names it), the callback is owed nothing more.
    History named = clean();
    named.op("c3", "n3", "s-3", "hook.register", E, "gone", 6, 7, 0, null, 3L);
    named.delivery("watcher", E, "HN_REGISTER", "gone", "s-3", 1, 3, true, "REPLAY", 0, 7);
    named.delivery("watcher", E, "HN_SYNCED", null, null, 1, 3, true, "REPLAY", -1, 7);
    named.delivery("watcher", E, "HN_UNREGISTER", "gone", "s-3", 1, 3, true, "TEARDOWN", 0, 8);
    named.sessionEnded("s-3", 9);
    assertThat(check(named)).isEmpty();
  }

  @Test
  void aTeardownCutShortWithAnUnansweredUnregistrationIsNoViolationButOneTheClientWasAnsweredIs() {
    // The client's node was killed while it sent the teardown: the unregistration got no answer, and the rest of
    // the teardown never reached the client.
    assertThat(check(tornDownWithoutB(true))).isEmpty();
    assertThat(check(tornDownWithoutB(false))).extracting(Violation::message)
        .containsExactly("gone: torn down at seq 2 without [b/s-2], which it held and was not told gone");
  }

  /** A stream that held a and b, torn down naming a only, then ended ({@code unanswered}: its unregistration). */
  private static History tornDownWithoutB(boolean unanswered) {
    History h = clean();
    h.delivery("gone", E, "HN_REGISTER", "a", S1, 1, 2, true, "REPLAY", 0, 4);
    h.delivery("gone", E, "HN_REGISTER", "b", S2, 1, 2, true, "REPLAY", 1, 4);
    h.delivery("gone", E, "HN_SYNCED", null, null, 1, 2, true, "REPLAY", -1, 4);
    h.delivery("gone", E, "HN_UNREGISTER", "a", S1, 1, 2, true, "TEARDOWN", 0, 5);
    h.streamEnded("gone", 6, unanswered);
    return h;
  }

  @Test
  void aTeardownThatLeavesOutAHookTheStreamHeld() {
    History h = clean();
    h.delivery("gone", E, "HN_REGISTER", "a", S1, 1, 2, true, "REPLAY", 0, 4);
    h.delivery("gone", E, "HN_REGISTER", "b", S2, 1, 2, true, "REPLAY", 1, 4);
    h.delivery("gone", E, "HN_SYNCED", null, null, 1, 2, true, "REPLAY", -1, 4);
    h.delivery("gone", E, "HN_UNREGISTER", "a", S1, 1, 3, true, "TEARDOWN", 0, 5);
    assertThat(check(h)).extracting(Violation::message)
        .containsExactly("gone: torn down at seq 3 without [b/s-2], which it held and was not told gone");

    // Told gone first, as the sequencer does when the removal never reached it, the teardown is whole.
    History told = clean();
    told.delivery("gone", E, "HN_REGISTER", "a", S1, 1, 2, true, "REPLAY", 0, 4);
    told.delivery("gone", E, "HN_REGISTER", "b", S2, 1, 2, true, "REPLAY", 1, 4);
    told.delivery("gone", E, "HN_SYNCED", null, null, 1, 2, true, "REPLAY", -1, 4);
    told.delivery("gone", E, "HN_UNREGISTER", "b", S2, 1, 3, true, "MERGE_CONFLICT", 1, 5);
    told.delivery("gone", E, "HN_UNREGISTER", "a", S1, 1, 3, true, "TEARDOWN", 0, 5);
    assertThat(check(told)).isEmpty();
  }

  @Test
  void aResyncReplayWithoutAHookTheStreamHeldTellsItsRemoval() {
    History h = clean();
    h.op("c3", "n3", "s-3", "hook.register", E, "x", 6, 7, 0, null, 3L);
    h.delivery("obs", E, "HN_REGISTER", "x", "s-3", 1, 3, false, "REGISTERED", 2, 7);
    h.delivery("obs", E, "HN_REGISTER", "a", S1, 2, 3, true, "RESYNC", 0, 8);
    h.delivery("obs", E, "HN_REGISTER", "b", S2, 2, 3, true, "RESYNC", 1, 8);
    h.delivery("obs", E, "HN_SYNCED", null, null, 2, 3, true, "RESYNC", -1, 8);
    assertThat(check(h)).isEmpty();
  }

  @Test
  void anAnswerBelowARegistrationsSeqShowsItWasMadeOnAnotherSide() {
    // s-3 registers x at seq 5 on one side, is answered seq 4 by the other side, and registers x again at 6 there.
    History h = clean();
    h.op("c3", "n3", "s-3", "hook.register", E, "x", 6, 7, 0, null, 5L);
    h.op("c3", "n1", "s-3", "notify.register", E, null, 8, 9, 0, null, 4L);
    h.op("c3", "n1", "s-3", "hook.register", E, "x", 10, 11, 0, null, 6L);
    h.delivery("obs", E, "HN_REGISTER", "x", "s-3", 1, 6, false, "REGISTERED", 2, 11);
    h.delivery("obs", E, "HN_UNREGISTER", "x", "s-3", 1, 7, false, "CLIENT_LEFT", 2, 12);
    assertThat(check(h)).extracting(Violation::rule).doesNotContain("acknowledged");
    History withoutTheAnswer = clean();
    withoutTheAnswer.op("c3", "n3", "s-3", "hook.register", E, "x", 6, 7, 0, null, 5L);
    withoutTheAnswer.op("c3", "n1", "s-3", "hook.register", E, "x", 10, 11, 0, null, 6L);
    withoutTheAnswer.delivery("obs", E, "HN_REGISTER", "x", "s-3", 1, 6, false, "REGISTERED", 2, 11);
    withoutTheAnswer.delivery("obs", E, "HN_UNREGISTER", "x", "s-3", 1, 7, false, "CLIENT_LEFT", 2, 12);
    assertThat(check(withoutTheAnswer)).extracting(Violation::rule).contains("acknowledged");
  }

  @Test
  void aDumpedHistoryLoadsAsItWasAndChecksTheSame(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    History h = splitRegistration();
    h.fault("kill", "n2", 3, 4);
    h.sessionFoundEnded("s-3", 9);
    h.streamEnded("gone", 9);
    h.streamEnded("cut", 9, true);
    h.delivery("obs", E, "HN_REGISTER", "c", S1, 1, 4, false, "REGISTERED", 2, 6);
    java.nio.file.Path file = dir.resolve("h.history");
    h.dump(file);
    History loaded = History.load(file);
    java.nio.file.Path again = dir.resolve("again.history");
    loaded.dump(again);

    assertThat(again).hasSameTextualContentAs(file);
    assertThat(HistoryChecker.report(loaded, HistoryChecker.check(loaded)))
        .isEqualTo(HistoryChecker.report(h, HistoryChecker.check(h))).contains("gap: seq 4 after seq 2");
  }

  @Test
  void theReportNamesTheSeed() {
    History h = clean();
    h.sockEvent("n1#1", "default", 2, 3, "c1", "n1 #1");
    assertThat(HistoryChecker.report(h, HistoryChecker.check(h)))
        .endsWith("1 violation(s); replay with: bin/hooknet-robustness --seed 42\n");
  }
}
