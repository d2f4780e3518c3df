package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hooknet.codec.ChangeId;
import io.hooknet.codec.Errno;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.Effects.CallbackKey;
import io.hooknet.hooks.impl.Effects.Notice;
import io.hooknet.hooks.impl.Effects.Replay;
import io.hooknet.hooks.impl.Effects.StreamChange;
import io.hooknet.hooks.impl.RegistryOps.Outcome;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry's rules on one family's state, as {@code net_event_notify_register(9F)} and hook.c give them:
 * replay, teardown, errno paths, callbacks in registration order, and the clean-up after a node leaves. Every
 * step goes through the stored (CBOR) form, as it does in the cluster.
 */
class RegistryOpsTest {

  private static final long EPOCH = 7;
  private FamilyState family;
  private long view = 1;
  private long clock = 100;
  private int historyLimit = 128;

  @BeforeEach
  void start() {
    apply(new HookCommand.FamilyAdd("inet"), "n1");
    apply(new HookCommand.EventAdd("inet", "PHYSICAL_IN"), "n1");
  }

  @Test
  void aNewCallbackGetsAReplayOfTheChainInOrderEndingWithSyncedThenLiveChanges() {
    register("a", Hint.NONE, null, "n1");
    register("c", Hint.NONE, null, "n2");
    register("b", Hint.BEFORE, "c", "n3");
    Outcome subscribed = apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n2");
    Replay replay = onlyReplay(subscribed);
    assertThat(replay.key()).isEqualTo(new CallbackKey("inet", "PHYSICAL_IN", "cb1"));
    assertThat(replay.deliverer()).isEqualTo("n2");
    assertThat(replay.change()).isEqualTo(StreamChange.START);
    assertThat(replay.at()).isEqualTo(new ChangeId(EPOCH, 3));
    assertThat(replay.events()).extracting(e -> e.cmd() + " " + e.hook() + " " + e.position() + " " + e.cause()
        + " " + e.replay() + " " + e.seq()).containsExactly("HN_REGISTER a 0 REPLAY true 3",
            "HN_REGISTER b 1 REPLAY true 3", "HN_REGISTER c 2 REPLAY true 3", "HN_SYNCED null -1 REPLAY true 3");
    assertThat(subscribed.effects().notices).isEmpty();
    assertThat(subscribed.effects().published).isEmpty();

    Outcome live = register("d", Hint.FIRST, null, "n1");
    HookEvent change = new HookEvent(Cmd.HN_REGISTER, "inet", "PHYSICAL_IN", "d", "n1", null, Hint.FIRST, null, 0,
        EPOCH, 4, false, Cause.REGISTERED);
    assertThat(live.effects().notices).containsExactly(
        new Notice(new CallbackKey("inet", "PHYSICAL_IN", "cb1"), "n2", change, EPOCH));
    assertThat(live.effects().published).containsExactly(change);
  }

  @Test
  void aResumeFromNothingGivesTheWholeChainWhetherOrNotTheLostRegisterWasMade() {
    register("a", Hint.NONE, null, "n1");
    register("b", Hint.NONE, null, "n2");
    // The register's answer was lost with its client's connection: the callback was made, its replay not seen.
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n2");
    HooknetException again = catchThrowableOfType(HooknetException.class,
        () -> apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n2"));
    assertThat(again.errno()).isEqualTo(Errno.EEXIST.number());
    ChangeId nothing = new ChangeId(0, 0);
    Replay made = onlyReplay(apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1", nothing), "n2"));
    // Or it was not made: the resume registers it, with the same replay.
    Replay notMade = onlyReplay(apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb2", nothing),
        "n2"));
    for (Replay replay : List.of(made, notMade)) {
      assertThat(replay.change()).isEqualTo(StreamChange.START);
      assertThat(replay.events()).extracting(e -> e.cmd() + " " + e.hook() + " " + e.cause() + " " + e.replay()
          + " " + e.seq()).containsExactly("HN_REGISTER a RESYNC true 2", "HN_REGISTER b RESYNC true 2",
              "HN_SYNCED null RESYNC true 2");
    }
  }

  @Test
  void anEmptyChainStillEndsItsReplayWithSynced() {
    Replay replay = onlyReplay(apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n1"));
    assertThat(replay.events()).containsExactly(HookEvent.synced("inet", "PHYSICAL_IN", "n1", EPOCH, 0,
        Cause.REPLAY));
  }

  @Test
  void callbacksAreToldInRegistrationOrderWithTheSameEvent() {
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb2"), "n3");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n1");
    Outcome live = register("a", Hint.NONE, null, "n2");
    assertThat(live.effects().notices).extracting(notice -> notice.key().address() + "@" + notice.deliverer())
        .containsExactly("cb2@n3", "cb1@n1");
    assertThat(live.effects().notices.get(0).event()).isEqualTo(live.effects().notices.get(1).event());
  }

  @Test
  void unregisteringACallbackTearsDownTheRemainingHooksToItOnly() {
    register("a", Hint.NONE, null, "n1");
    register("b", Hint.NONE, null, "n1");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n1");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb2"), "n1");
    Replay gone = onlyReplay(apply(new HookCommand.NotifyUnregister("inet", "PHYSICAL_IN", "cb1"), "n1"));
    assertThat(gone.change()).isEqualTo(StreamChange.STOP);
    assertThat(gone.key().address()).isEqualTo("cb1");
    assertThat(gone.events()).extracting(e -> e.hook() + " " + e.cmd() + " " + e.cause())
        .containsExactly("a HN_UNREGISTER TEARDOWN", "b HN_UNREGISTER TEARDOWN");
    assertThat(register("c", Hint.NONE, null, "n1").effects().notices)
        .extracting(notice -> notice.key().address()).containsExactly("cb2");
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
    assertErrno(22, "EINVAL: ListHooks does not change a family",
        () -> apply(new HookCommand.ListHooks("inet", null), "n1"));
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
  void aNodeThatLeftLosesItsOwnHooksAndCallbacksOnceEachButNotThoseOfSessionsAnchoredThere() {
    register("a", Hint.NONE, null, "n1");
    register("b", Hint.NONE, null, "n2");
    apply(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "s", null, null, "addr.s"), new Owner("n2", "s1"));
    register("c", Hint.NONE, null, "n2");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n1");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb2"), "n2");
    Outcome left = store(OwnerOps.removeOwned(stored(), OwnerOps.ofNode("n2"), Cause.NODE_LEFT, effects()));
    assertThat(left.effects().notices).extracting(notice -> notice.key().address() + " " + notice.event().hook()
        + " " + notice.event().cause() + " " + notice.event().seq() + " " + notice.event().position())
        .containsExactly("cb1 b NODE_LEFT 5 1", "cb1 c NODE_LEFT 6 2");
    assertThat(left.effects().replays).extracting(r -> r.key().address() + " " + r.change())
        .containsExactly("cb2 STOP");
    assertThat(store(OwnerOps.removeOwned(stored(), OwnerOps.ofNode("n2"), Cause.NODE_LEFT, effects()))
        .effects().notices).isEmpty();
    assertThat(family.event("PHYSICAL_IN").chain).extracting(HookChain.Link::hook).containsExactly("a", "s");
    assertThat(family.event("PHYSICAL_IN").hooksRemoved).isEqualTo(2);
  }

  @Test
  void anEndedSessionLosesItsHooksWithItsCauseAndItsCallbacks() {
    Owner session = new Owner("n2", "s1");
    register("a", Hint.NONE, null, "n1");
    apply(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "s", null, null, "addr.s"), session);
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.s"), session);
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb1"), "n1");
    Outcome ended = store(OwnerOps.removeOwned(stored(), OwnerOps.ofSession("s1"), Cause.CLIENT_LEFT, effects()));
    assertThat(ended.effects().notices).extracting(notice -> notice.key().address() + " " + notice.event().cmd()
        + " " + notice.event().hook() + " " + notice.event().cause() + " " + notice.event().session())
        .containsExactly("cb1 HN_UNREGISTER s CLIENT_LEFT s1");
    assertThat(family.event("PHYSICAL_IN").callbacks).extracting(FamilyState.Callback::address)
        .containsExactly("cb1");
  }

  @Test
  void protocolCallbacksHearOfEventsWithReplay() {
    Replay replay = onlyReplay(apply(new HookCommand.ProtocolNotifyRegister("inet", "pcb"), "n1"));
    assertThat(replay.key()).isEqualTo(new CallbackKey("inet", null, "pcb"));
    assertThat(replay.events()).extracting(e -> e.cmd() + " " + e.event() + " " + e.cause())
        .containsExactly("HN_REGISTER PHYSICAL_IN REPLAY", "HN_SYNCED null REPLAY");
    Outcome added = apply(new HookCommand.EventAdd("inet", "PHYSICAL_OUT"), "n2");
    assertThat(added.effects().notices).containsExactly(new Notice(new CallbackKey("inet", null, "pcb"), "n1",
        new HookEvent(Cmd.HN_REGISTER, "inet", "PHYSICAL_OUT", null, "n2", null, null, null, -1, EPOCH, 2, false,
            Cause.REGISTERED), EPOCH));
    assertErrno(3, "ESRCH: family 'nope' does not exist", () -> RegistryOps.apply(null,
        new HookCommand.ProtocolNotifyRegister("nope", "pcb"), Owner.node("n1"), context()));
  }

  @Test
  void aResumingCallbackGetsExactlyTheChangesAfterTheLastItSawThenSynced() {
    Owner session = new Owner("n1", "s1");
    register("a", Hint.NONE, null, "n1");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb"), session);
    register("b", Hint.NONE, null, "n2");
    register("c", Hint.NONE, null, "n2");
    apply(new HookCommand.HookUnregister("inet", "PHYSICAL_IN", "a"), "n2");

    Replay resumed = onlyReplay(apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb",
        new ChangeId(EPOCH, 2)), new Owner("n3", "s1")));
    assertThat(resumed.deliverer()).isEqualTo("n3");
    assertThat(resumed.at()).isEqualTo(new ChangeId(EPOCH, 4));
    assertThat(resumed.events()).extracting(e -> e.cmd() + " " + e.hook() + " " + e.seq() + " " + e.cause())
        .containsExactly("HN_REGISTER c 3 REGISTERED", "HN_UNREGISTER a 4 UNREGISTERED", "HN_SYNCED null 4 REPLAY");
    // n3 did not deliver the callback before: it is told what the callback holds once given those changes.
    assertThat(resumed.held()).extracting(e -> e.cmd() + " " + e.hook() + " " + e.node() + " " + e.seq())
        .containsExactly("HN_REGISTER b n2 4", "HN_REGISTER c n2 4");
    assertThat(family.event("PHYSICAL_IN").callbacks).extracting(cb -> cb.address() + "@" + cb.node())
        .containsExactly("cb@n3");
    assertThat(register("d", Hint.NONE, null, "n2").effects().notices).extracting(Notice::deliverer)
        .containsExactly("n3");

    Replay upToDate = onlyReplay(apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb",
        new ChangeId(EPOCH, 5)), session));
    assertThat(upToDate.events()).containsExactly(HookEvent.synced("inet", "PHYSICAL_IN", "n1", EPOCH, 5,
        Cause.REPLAY));
  }

  @Test
  void aCallbackThatMissedMoreThanTheHistoryOrAnotherSidesChangesIsResynced() {
    historyLimit = 2;
    Owner session = new Owner("n1", "s1");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb"), session);
    register("a", Hint.NONE, null, "n1");
    register("b", Hint.NONE, null, "n1");
    register("c", Hint.NONE, null, "n1");
    for (ChangeId since : List.of(new ChangeId(EPOCH, 0), new ChangeId(EPOCH + 1, 2))) {
      Replay resynced = onlyReplay(apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb", since),
          session));
      assertThat(resynced.events()).as("since " + since).extracting(e -> e.cmd() + " " + e.hook() + " "
          + e.cause() + " " + e.replay() + " " + e.seq()).containsExactly("HN_REGISTER a RESYNC true 3",
              "HN_REGISTER b RESYNC true 3", "HN_REGISTER c RESYNC true 3", "HN_SYNCED null RESYNC true 3");
    }
    assertThat(onlyReplay(apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb",
        new ChangeId(EPOCH, 1)), session)).events()).extracting(HookEvent::hook).containsExactly("b", "c", null);
  }

  @Test
  void aCallbackThatSawChangesTheFamilyNoLongerHasIsResyncedAfterThemAndTheFamilyNumbersOnFromThere() {
    Owner session = new Owner("n1", "s1");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb"), session);
    register("a", Hint.NONE, null, "n1");
    register("b", Hint.NONE, null, "n1");
    // The callback was told changes 3 and 4 of a copy of the family that was lost with its member before the
    // backup had them; the member's leaving changed the view.
    view = 2;
    Replay fill = onlyReplay(store(RegistryOps.resume(stored(), new HookCommand.NotifyRegister("inet",
        "PHYSICAL_IN", "cb", new ChangeId(EPOCH, 4)), session, context())));
    assertThat(fill.change()).isEqualTo(StreamChange.FILL);
    assertThat(fill.at()).isEqualTo(new ChangeId(nonce(), 4));
    assertThat(fill.events()).extracting(e -> e.cmd() + " " + e.hook() + " " + e.cause() + " " + e.epoch() + "."
        + e.seq()).containsExactly("HN_REGISTER a RESYNC 1002.4", "HN_REGISTER b RESYNC 1002.4",
            "HN_SYNCED null RESYNC 1002.4");
    assertThat(register("c", Hint.NONE, null, "n1").effects().published.get(0).change())
        .isEqualTo(new ChangeId(nonce(), 5));
    // A callback that saw change 2 only is behind a numbering its kept changes no longer lead up to.
    assertThat(onlyReplay(apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb",
        new ChangeId(EPOCH, 2)), session)).events()).extracting(e -> e.hook() + " " + e.cause() + " " + e.seq())
        .containsExactly("a RESYNC 5", "b RESYNC 5", "c RESYNC 5", "null RESYNC 5");
  }

  @Test
  void resumingIsForTheOwnerOnlyAndACallbackThatIsGoneIsRegisteredWithAResync() {
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb"), new Owner("n1", "s1"));
    assertErrno(17, "EEXIST: callback 'cb' is already registered on inet/PHYSICAL_IN", () -> apply(
        new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb", new ChangeId(EPOCH, 0)), new Owner("n1", "s2")));
    register("a", Hint.NONE, null, "n1");
    Replay fresh = onlyReplay(apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb2",
        new ChangeId(99, 40)), new Owner("n2", "s2")));
    assertThat(fresh.events()).extracting(e -> e.hook() + " " + e.cause()).containsExactly("a RESYNC",
        "null RESYNC");
    assertErrno(3, "ESRCH: callback 'cb3' is no longer registered on inet/PHYSICAL_IN", () -> store(
        RegistryOps.resume(stored(), new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb3",
            new ChangeId(EPOCH, 1)), new Owner("n2", "s2"), context())));
  }

  @Test
  void aChangeInAnotherClusterViewStartsANewEpochAndSeqGoesOn() {
    register("a", Hint.NONE, null, "n1");
    view = 2;
    Outcome other = register("b", Hint.NONE, null, "n1");
    HookEvent change = other.effects().published.get(0);
    assertThat(change.seq()).isEqualTo(2);
    assertThat(change.epoch()).isNotEqualTo(EPOCH).isEqualTo(nonce());
    assertThat(register("c", Hint.NONE, null, "n1").effects().published.get(0).change())
        .isEqualTo(new ChangeId(change.epoch(), 3));
  }

  @Test
  void afterAMergeTheRegistrationMadeFirstKeepsANameAndTheOtherOwnerIsTold() {
    Owner theirs = new Owner("n1", "s1");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.n1"), "n1");
    clock = 200;
    apply(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "x", null, null, "addr.theirs"), theirs);
    apply(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "y", null, null, "addr.theirs"), theirs);
    Owner ours = new Owner("n3", "s3");
    List<OwnerOps.Owned> owned = List.of(
        new OwnerOps.Owned(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "x", null, null, "addr.ours"), ours,
            150),
        new OwnerOps.Owned(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "y", null, null, "addr.ours"), ours,
            250),
        new OwnerOps.Owned(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.n3"), ours, 120));
    view = 3;
    Outcome merged = store(OwnerOps.reassert(stored(), "inet", owned, "n3", effects()));

    assertThat(family.event("PHYSICAL_IN").chain).extracting(link -> link.hook() + "@" + link.session())
        .containsExactly("y@s1", "x@s3");
    assertThat(merged.effects().notices).extracting(n -> n.key().address() + " " + n.event().cmd() + " "
        + n.event().hook() + " " + n.event().session() + " " + n.event().cause()).containsExactly(
            "cb.n1 HN_UNREGISTER x s1 MERGE_CONFLICT", "cb.n1 HN_REGISTER x s3 REGISTERED");
    assertThat(merged.effects().lost).extracting(lost -> lost.owner().session() + " " + lost.event().hook() + " "
        + lost.event().cause()).containsExactly("s1 x MERGE_CONFLICT", "s3 y MERGE_CONFLICT");
    assertThat(merged.effects().replays).extracting(r -> r.key().address() + " " + r.change() + " " + r.events()
        .stream().map(e -> e.hook() + "/" + e.cause()).collect(Collectors.joining(","))).containsExactly(
            "cb.n3 MERGE_RESYNC y/RESYNC,x/RESYNC,null/RESYNC");
    assertThat(merged.effects().published).extracting(HookEvent::epoch).containsOnly(nonce());

    Outcome again = store(OwnerOps.reassert(stored(), "inet", owned, "n3", effects()));
    assertThat(again.effects().notices).isEmpty();
    assertThat(again.effects().lost).extracting(lost -> lost.event().hook()).containsExactly("y");
  }

  @Test
  void aMergeTakesOutAgainWhatTheNodeUnregisteredThatTheKeptSideStillHoldsAsItWas() {
    // The side the merge kept still has n3's hook h and callback cb.n3 (made at 101 and 102), which n3 unregistered
    // on its side; of k, n3 unregistered a registration made at 50, and x is n1's.
    clock = 100;
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.n1"), "n1");
    register("h", Hint.NONE, null, "n3");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.n3"), "n3");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.kept"), "n3");
    register("k", Hint.NONE, null, "n3");
    register("x", Hint.NONE, null, "n1");
    Owner n3 = Owner.node("n3");
    List<OwnerOps.Owned> owned = List.of(
        new OwnerOps.Owned(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.kept"), n3, 103),
        new OwnerOps.Owned(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "k", null, null, "addr.k"), n3, 104));
    List<OwnerOps.Owned> unregistered = List.of(
        new OwnerOps.Owned(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "h", null, null, "addr.h"), n3, 101),
        new OwnerOps.Owned(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.n3"), n3, 102),
        new OwnerOps.Owned(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "k", null, null, "addr.k"), n3, 50),
        new OwnerOps.Owned(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "x", null, null, "addr.x"), n3, 105),
        new OwnerOps.Owned(new HookCommand.NotifyRegister("inet", "NO_SUCH_EVENT", "cb.n3"), n3, 102));
    view = 3;
    Outcome merged = store(OwnerOps.reassert(stored(), "inet", owned, unregistered, List.of(), "n3", true,
        effects()));

    assertThat(family.event("PHYSICAL_IN").chain).extracting(HookChain.Link::hook).containsExactly("k", "x");
    assertThat(family.event("PHYSICAL_IN").callbacks).extracting(FamilyState.Callback::address)
        .containsExactly("cb.n1", "cb.kept");
    // The callback, torn down already on n3's side, is stopped without a teardown and told nothing of h.
    assertThat(merged.effects().notices).extracting(n -> n.key().address() + " " + n.event().cmd() + " "
        + n.event().hook() + " " + n.event().node() + " " + n.event().cause() + " " + n.event().seq())
        .containsExactly("cb.n1 HN_UNREGISTER h n3 UNREGISTERED 4", "cb.kept HN_UNREGISTER h n3 UNREGISTERED 4");
    assertThat(merged.effects().replays).extracting(r -> r.key().address() + " " + r.deliverer() + " " + r.change()
        + " " + r.events().stream().map(e -> e.hook() + "/" + e.cause()).collect(Collectors.joining(",")))
        .containsExactly("cb.n3 n3 STOP ", "cb.kept n3 MERGE_RESYNC k/RESYNC,x/RESYNC,null/RESYNC");
    assertThat(merged.effects().lost).isEmpty();

    Outcome again = store(OwnerOps.reassert(stored(), "inet", owned, unregistered, List.of(), "n3", false,
        effects()));
    assertThat(again.effects().notices).isEmpty();
    assertThat(again.effects().replays).isEmpty();
  }

  @Test
  void aNodeThatStayedWhileAnotherMergedPutsBackOnlyWhatTheFamilyLacksAndResyncsOnlyThat() {
    // n3 stayed in the cluster; the family came back from the merging side without s3's callback cb.gone.
    Owner session = new Owner("n3", "s3");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.kept"), session);
    apply(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "h", null, null, "addr.s3"), session);
    List<OwnerOps.Owned> owned = List.of(
        new OwnerOps.Owned(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.kept"), session, 1),
        new OwnerOps.Owned(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.gone"), session, 2),
        new OwnerOps.Owned(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "h", null, null, "addr.s3"), session,
            3));
    Outcome after = store(OwnerOps.reassert(stored(), "inet", owned, List.of(), "n3", false, effects()));

    assertThat(family.event("PHYSICAL_IN").callbacks).extracting(FamilyState.Callback::address)
        .containsExactly("cb.kept", "cb.gone");
    assertThat(family.event("PHYSICAL_IN").chain).extracting(HookChain.Link::hook).containsExactly("h");
    assertThat(after.effects().notices).isEmpty();
    assertThat(after.effects().replays).extracting(r -> r.key().address() + " " + r.change() + " " + r.events()
        .stream().map(e -> e.hook() + "/" + e.cause()).collect(Collectors.joining(","))).containsExactly(
            "cb.gone MERGE_RESYNC h/RESYNC,null/RESYNC");
    // The merging node re-synchronises every callback it delivers.
    Outcome merging = store(OwnerOps.reassert(stored(), "inet", owned, List.of(), "n3", true, effects()));
    assertThat(merging.effects().replays).extracting(r -> r.key().address()).containsExactly("cb.kept", "cb.gone");
  }

  @Test
  void aCallbackStillInTheFamilyWhoseStreamTheNodeLostIsResynchronisedAndOneItStreamsIsNot() {
    // n3 delivers s3's cb.stopped and cb.streamed; a node that merged back told n3 to stop cb.stopped (a removal
    // its side had made, which the cluster did not keep), so n3 has no stream for it, while the family still has it.
    Owner session = new Owner("n3", "s3");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.stopped"), session);
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.streamed"), session);
    apply(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "h", null, null, "addr.s3"), session);
    List<OwnerOps.Owned> owned = List.of(
        new OwnerOps.Owned(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.stopped"), session, 1),
        new OwnerOps.Owned(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.streamed"), session, 2));
    ChangeId current = family.event("PHYSICAL_IN").changes.current();
    List<OwnerOps.Given> given = List.of(
        new OwnerOps.Given("PHYSICAL_IN", "cb.streamed", current),
        OwnerOps.Given.notStreamed("PHYSICAL_IN", "cb.stopped"));
    Outcome after = store(OwnerOps.reassert(stored(), "inet", owned, given, "n3", false, effects()));

    assertThat(family.event("PHYSICAL_IN").callbacks).extracting(FamilyState.Callback::address)
        .containsExactly("cb.stopped", "cb.streamed");
    assertThat(after.effects().notices).isEmpty();
    assertThat(after.effects().replays).extracting(r -> r.key().address() + " " + r.deliverer() + " " + r.change()
        + " " + r.events().stream().map(e -> e.hook() + "/" + e.cause()).collect(Collectors.joining(",")))
        .containsExactly("cb.stopped n3 MERGE_RESYNC h/RESYNC,null/RESYNC");
  }

  @Test
  void aReassertionSendsEachStreamOfTheNodeThatIsBehindTheChangesAfterItsLastAndNoOtherStreamAnything() {
    // n3 delivers cb.behind (its notices of seq 2 and 3 were lost with the node that made them), cb.current and
    // cb.lineage (given seq 3 in a lineage the family does not have); n1 delivers cb.n1.
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.behind"), "n3");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.current"), "n3");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.lineage"), "n3");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.n1"), "n1");
    register("a", Hint.NONE, null, "n2");
    register("b", Hint.NONE, null, "n2");
    register("c", Hint.NONE, null, "n2");
    List<OwnerOps.Given> given = List.of(
        new OwnerOps.Given("PHYSICAL_IN", "cb.behind", new ChangeId(EPOCH, 1)),
        new OwnerOps.Given("PHYSICAL_IN", "cb.current", new ChangeId(EPOCH, 3)),
        new OwnerOps.Given("PHYSICAL_IN", "cb.lineage", new ChangeId(99, 3)),
        new OwnerOps.Given("PHYSICAL_IN", "cb.n1", new ChangeId(EPOCH, 0)),
        new OwnerOps.Given("PHYSICAL_IN", "cb.unregistered", new ChangeId(EPOCH, 0)),
        new OwnerOps.Given("NO_SUCH_EVENT", "cb.behind", new ChangeId(EPOCH, 0)));
    Outcome after = store(OwnerOps.reassert(stored(), "inet", List.of(), given, "n3", false, effects()));

    assertThat(after.effects().notices).isEmpty();
    assertThat(after.effects().replays).extracting(r -> r.key().address() + " " + r.deliverer() + " " + r.change()
        + " " + r.at().seq() + " " + r.events().stream().map(e -> e.cmd() + "/" + e.hook() + "/" + e.seq() + "/"
        + e.cause()).collect(Collectors.joining(",")) + " held " + r.held().stream().map(HookEvent::hook)
        .collect(Collectors.joining(","))).containsExactly(
            "cb.behind n3 FILL 3 HN_REGISTER/b/2/REGISTERED,HN_REGISTER/c/3/REGISTERED,HN_SYNCED/null/3/REPLAY"
                + " held a,b,c",
            "cb.lineage n3 FILL 3 HN_REGISTER/a/3/RESYNC,HN_REGISTER/b/3/RESYNC,HN_REGISTER/c/3/RESYNC,"
                + "HN_SYNCED/null/3/RESYNC held a,b,c");
    assertThat(family.event("PHYSICAL_IN").changes.current()).isEqualTo(new ChangeId(EPOCH, 3));
  }

  @Test
  void anEndingSessionIsWithdrawnWithWhatTheStoredFamilyLacksToldToEveryCallback() {
    Owner live = new Owner("n1", "s1");
    Owner ending = new Owner("n2", "s2");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.n1"), "n1");
    apply(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "taken", null, null, "addr.s1"), live);
    HookCommand.HookRegister kept = new HookCommand.HookRegister("inet", "PHYSICAL_IN", "kept", null, null,
        "addr.s2");
    apply(kept, ending);
    // What node n2 knows s2 registered: "kept" is stored; "split" and its own "taken" were made on a side of a
    // split the cluster did not keep, "taken" earlier than s1's.
    List<OwnerOps.Owned> owned = List.of(new OwnerOps.Owned(kept, ending, 5),
        new OwnerOps.Owned(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "split", null, null, "addr.s2"),
            ending, 6),
        new OwnerOps.Owned(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "taken", null, null, "addr.s2"),
            ending, 0));
    Outcome withdrawn = store(OwnerOps.withdraw(stored(), owned, "s2", HookEvent.Cause.CLIENT_LEFT, effects()));

    // An ending owner never takes a name from a live one; what it held elsewhere comes back only to go, and it,
    // gone, is told nothing.
    assertThat(family.event("PHYSICAL_IN").chain).extracting(link -> link.hook() + "@" + link.session())
        .containsExactly("taken@s1");
    assertThat(withdrawn.effects().notices).extracting(n -> n.key().address() + " " + n.event().cmd() + " "
        + n.event().hook() + " " + n.event().session() + " " + n.event().cause()).containsExactly(
            "cb.n1 HN_REGISTER split s2 REGISTERED", "cb.n1 HN_UNREGISTER kept s2 CLIENT_LEFT",
            "cb.n1 HN_UNREGISTER split s2 CLIENT_LEFT");
    assertThat(withdrawn.effects().lost).isEmpty();
  }

  @Test
  void aWithdrawalAfterAnotherNodesCleanUpOfTheSessionPutsNothingBack() {
    Owner ending = new Owner("n2", "s2");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.n1"), "n1");
    HookCommand.HookRegister late = new HookCommand.HookRegister("inet", "PHYSICAL_IN", "late", null, null,
        "addr.s2");
    apply(late, ending);
    long registeredAt = family.event("PHYSICAL_IN").chain.get(0).registeredAt();
    // The node that found the session's grace period over cleans up after it; the node the session registered
    // through withdraws what it knows the session owned only after that.
    Outcome cleanedUp = store(OwnerOps.removeOwned(stored(), OwnerOps.ofSession("s2"), HookEvent.Cause.CLIENT_LEFT,
        effects()));
    assertThat(cleanedUp.effects().notices).extracting(n -> n.event().cmd() + " " + n.event().hook() + " "
        + n.event().seq() + " " + n.event().cause()).containsExactly("HN_UNREGISTER late 2 CLIENT_LEFT");
    Outcome withdrawn = store(OwnerOps.withdraw(stored(), List.of(new OwnerOps.Owned(late, ending, registeredAt)),
        "s2", HookEvent.Cause.CLIENT_LEFT, effects()));

    // The hook its clean-up took out does not come back to go again: the callbacks were told once.
    assertThat(withdrawn.effects().notices).isEmpty();
    assertThat(family.event("PHYSICAL_IN").chain).isEmpty();
    assertThat(family.event("PHYSICAL_IN").changes.current()).isEqualTo(new ChangeId(EPOCH, 2));
    // Another registration of the session under the same name, which this family never had, still comes back to go.
    Outcome other = store(OwnerOps.withdraw(stored(), List.of(new OwnerOps.Owned(late, ending, registeredAt + 1)),
        "s2", HookEvent.Cause.CLIENT_LEFT, effects()));
    assertThat(other.effects().notices).extracting(n -> n.event().cmd() + " " + n.event().hook() + " "
        + n.event().seq() + " " + n.event().cause()).containsExactly("HN_REGISTER late 3 REGISTERED",
            "HN_UNREGISTER late 4 CLIENT_LEFT");
  }

  @Test
  void anAssertionAskedBeforeItsOwnerUnregisteredTheHookPutsNothingBack() {
    Owner moved = new Owner("n1", "s1");
    apply(new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "cb.n2"), "n2");
    HookCommand.HookRegister h1 = new HookCommand.HookRegister("inet", "PHYSICAL_IN", "h1", null, null, "addr.s1");
    apply(h1, moved);
    long registeredAt = family.event("PHYSICAL_IN").chain.get(0).registeredAt();
    // n1 asserts what s1 owns as it was when s1 was connected there; s1 moved to n3 and unregistered h1 through it
    // before the assertion reached the family.
    apply(new HookCommand.HookUnregister("inet", "PHYSICAL_IN", "h1"), new Owner("n3", "s1"));
    Outcome asserted = store(OwnerOps.reassert(stored(), "inet", List.of(new OwnerOps.Owned(h1, moved, registeredAt)),
        List.of(), List.of(), "n1", false, effects()));

    assertThat(family.event("PHYSICAL_IN").chain).isEmpty();
    assertThat(asserted.effects().notices).isEmpty();
    // n1 is told to forget it, with the removal's cause (no one else is told: the callbacks were, at seq 2).
    assertThat(asserted.effects().lost).extracting(lost -> lost.owner() + " " + lost.event().hook() + " "
        + lost.event().cause() + " " + (lost.registeredAt() == registeredAt)).containsExactly(
            moved + " h1 UNREGISTERED true");
    assertThat(family.event("PHYSICAL_IN").changes.current()).isEqualTo(new ChangeId(EPOCH, 2));
    // s1 registering the name again is a new registration, which an assertion puts back like any other.
    apply(h1, moved);
    long again = family.event("PHYSICAL_IN").chain.get(0).registeredAt();
    apply(new HookCommand.HookUnregister("inet", "PHYSICAL_IN", "h1"), new Owner("n3", "s1"));
    store(OwnerOps.reassert(stored(), "inet", List.of(new OwnerOps.Owned(h1, moved, again + 1)), List.of(),
        List.of(), "n1", false, effects()));
    assertThat(family.event("PHYSICAL_IN").chain).extracting(link -> link.hook() + "@" + link.session())
        .containsExactly("h1@s1");
  }

  @Test
  void aFamilyKeepsTheLatestHooksThatWentForGoodForTenMinutes() {
    FamilyState state = new FamilyState();
    long start = 1_000_000;
    for (int i = 0; i < FamilyState.Removed.LIMIT + 10; i++) {
      FamilyState.Removed.keep(state, "IN", new HookChain.Link("h" + i, Hint.NONE, null, "addr", "n1", "s1", i),
          Cause.UNREGISTERED, start + i);
    }
    assertThat(state.removed).hasSize(FamilyState.Removed.LIMIT);
    assertThat(state.removed.get(0).hook()).isEqualTo("h10");
    HookChain.Link latest = new HookChain.Link("h265", Hint.NONE, null, "addr", "n1", "s1", 265);
    assertThat(FamilyState.Removed.find(state, "IN", latest)).isNotNull();
    assertThat(FamilyState.Removed.find(state, "IN", new HookChain.Link("h9", Hint.NONE, null, "addr", "n1", "s1", 9)))
        .isNull();
    // Ten minutes after h200 went, the next removal forgets h0-h200 (those still kept).
    FamilyState.Removed.keep(state, "IN", new HookChain.Link("late", Hint.NONE, null, "addr", "n2", null, 0),
        Cause.CLIENT_LEFT, start + 200 + FamilyState.Removed.KEPT_MILLIS + 1);
    assertThat(state.removed).extracting(FamilyState.Removed::hook).first().isEqualTo("h201");
    assertThat(state.removed).hasSize(66);
  }

  private Outcome register(String hook, Hint hint, String hintValue, String node) {
    return apply(new HookCommand.HookRegister("inet", "PHYSICAL_IN", hook, hint, hintValue, "addr." + hook), node);
  }

  private Outcome apply(HookCommand<?> command, String node) {
    return apply(command, Owner.node(node));
  }

  private Outcome apply(HookCommand<?> command, Owner owner) {
    return store(RegistryOps.apply(stored(), command, owner, context()));
  }

  private FamilyState stored() {
    return family == null ? null : Mapping.fromCborBytes(Mapping.toCborBytes(family), FamilyState.class);
  }

  /** The first epoch is {@value #EPOCH}; a change in another view starts epoch {@link #nonce()}. */
  private ChangeContext context() {
    return new ChangeContext(view, nonce(), historyLimit, clock++, 0);
  }

  private long nonce() {
    return view == 1 ? EPOCH : 1000 + view;
  }

  private Effects effects() {
    return new Effects(context());
  }

  private Outcome store(Outcome outcome) {
    family = outcome.state();
    return outcome;
  }

  private static Replay onlyReplay(Outcome outcome) {
    assertThat(outcome.effects().replays).hasSize(1);
    return outcome.effects().replays.get(0);
  }

  private static void assertErrno(int errno, String message, Runnable call) {
    HooknetException failure = catchThrowableOfType(HooknetException.class, call::run);
    assertThat(failure).as("expected %s", message).isNotNull().hasMessage(message);
    assertThat(failure.errno()).isEqualTo(errno);
  }
}
