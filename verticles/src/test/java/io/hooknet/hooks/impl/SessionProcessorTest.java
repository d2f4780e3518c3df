package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.SessionProcessor.SessionState;
import io.hooknet.hooks.impl.SessionProcessor.Step;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The notices of hooks a session lost in a merge reach its client once: kept while no connection of it listens,
 * kept through a reattach, and handed to the connection it has now, which takes them out of the stored state. A
 * reattach is refused to a connection the session has left for a later one.
 */
class SessionProcessorTest {

  private static final HookEvent LOST = new HookEvent(Cmd.HN_UNREGISTER, "rb", "IN", "h5", "n1", "s", null, null, 2,
      7, 85, false, Cause.MERGE_CONFLICT);

  private final Map.Entry<String, byte[]> entry = new SimpleEntry<>("s",
      Mapping.toCborBytes(new SessionState("s", "n2", 3, true, 0, null, false)));

  private Step apply(SessionProcessor processor) {
    return Mapping.fromCborBytes(processor.process(entry), Step.class);
  }

  private SessionState stored() {
    return Mapping.fromCborBytes(entry.getValue(), SessionState.class);
  }

  @Test
  void aKeptNoticeIsHandedToTheConnectionOnceAndLeavesTheState() {
    assertThat(apply(SessionProcessor.lost(LOST)).applied()).isTrue();
    Step taken = apply(SessionProcessor.takeLost("n2", 3));
    assertThat(taken.applied()).isTrue();
    assertThat(taken.state().lost()).containsExactly(LOST);
    assertThat(stored().lost()).isEmpty();
    assertThat(stored().connected()).isTrue();
    assertThat(apply(SessionProcessor.takeLost("n2", 3)).applied()).isFalse();
  }

  @Test
  void onlyTheConnectionTheSessionHasNowTakesThem() {
    apply(SessionProcessor.lost(LOST));
    assertThat(apply(SessionProcessor.takeLost("n2", 2)).applied()).isFalse();
    assertThat(apply(SessionProcessor.takeLost("n1", 3)).applied()).isFalse();
    assertThat(stored().lost()).containsExactly(LOST);
  }

  @Test
  void aReattachKeepsTheNotices() {
    apply(SessionProcessor.lost(LOST));
    assertThat(apply(SessionProcessor.reattach("n2", 3)).applied()).isTrue();
    assertThat(stored().lost()).containsExactly(LOST);
    assertThat(apply(SessionProcessor.takeLost("n2", 3)).state().lost()).isEqualTo(List.of(LOST));
  }

  @Test
  void aConnectionTheSessionLeftForALaterOneDoesNotTakeItBack() {
    assertThat(apply(SessionProcessor.reattach("n1", 2)).applied()).isFalse();
    assertThat(stored()).isEqualTo(new SessionState("s", "n2", 3, true, 0, null, false));
    Step same = apply(SessionProcessor.reattach("n1", 3));
    assertThat(same.applied()).isTrue();
    assertThat(same.state().node()).isEqualTo("n1");
    assertThat(apply(SessionProcessor.reattach("n2", 4)).state().attachment()).isEqualTo(4);
  }

  /**
   * The cluster kept the side where the client resumed twice (at n1, then n3) and then left; the other side, cut
   * off with n2, had the client resume at n2 once, after both. Counted, the kept side's connections are ahead; the
   * connection at n2 is the client's latest, and the merge connects it again.
   */
  @Test
  void theConnectionMadeLastOnEitherSideOfASplitIsConnectedAgain() {
    Map.Entry<String, byte[]> cutOff = new SimpleEntry<>("s", entry.getValue());
    long atN1 = 1_000_000;
    assertThat(apply(SessionProcessor.detach(3, atN1 + 6_000)).applied()).isTrue();
    Step n1 = apply(SessionProcessor.attach("n1", atN1));
    assertThat(apply(SessionProcessor.detach(n1.state().attachment(), atN1 + 8_000)).applied()).isTrue();
    Step n3 = apply(SessionProcessor.attach("n3", atN1 + 2_000));
    assertThat(n3.state().attachment()).isGreaterThan(n1.state().attachment());
    assertThat(apply(SessionProcessor.detach(n3.state().attachment(), atN1 + 9_000)).applied()).isTrue();

    Step n2 = Mapping.fromCborBytes(SessionProcessor.detach(3, atN1 + 6_000).process(cutOff), Step.class);
    assertThat(n2.applied()).isTrue();
    n2 = Mapping.fromCborBytes(SessionProcessor.attach("n2", atN1 + 2_500).process(cutOff), Step.class);
    assertThat(n2.applied()).isTrue();

    Step merged = apply(SessionProcessor.reattach("n2", n2.state().attachment()));
    assertThat(merged.applied()).isTrue();
    assertThat(stored()).isEqualTo(new SessionState("s", "n2", n2.state().attachment(), true, 0, null, false));
    assertThat(apply(SessionProcessor.reattach("n3", n3.state().attachment())).applied()).isFalse();
  }
}
