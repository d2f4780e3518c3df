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
}
