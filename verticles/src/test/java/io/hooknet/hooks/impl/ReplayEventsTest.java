package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hooknet.codec.ChangeId;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.Effects.CallbackKey;
import io.hooknet.hooks.impl.Effects.Replay;
import io.hooknet.hooks.impl.Effects.StreamChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayEventsTest {

  private static final CallbackKey KEY = new CallbackKey("inet", "PHYSICAL_IN", "cb");

  private static HookEvent hook(String name, String session, Hint hint, String hintValue, int position, long seq,
      Cause cause) {
    return new HookEvent(Cmd.HN_REGISTER, "inet", "PHYSICAL_IN", name, "n" + position % 3, session, hint, hintValue,
        position, 7, seq, cause != Cause.REGISTERED, cause);
  }

  private static Replay replay(List<HookEvent> events, List<HookEvent> held) {
    return new Replay(KEY, "n2", "s1", StreamChange.START, new ChangeId(7, 40), events, held);
  }

  @Test
  void aReplayReadsBackAsItWasWrittenWhateverItsEventsShare() {
    List<HookEvent> chain = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      chain.add(hook("h" + i, i % 7 == 0 ? "s" + i : null, i == 0 ? Hint.FIRST : i % 5 == 0 ? Hint.AFTER : Hint.NONE,
          i % 5 == 0 && i > 0 ? "h" + (i - 1) : null, i, 40, Cause.REPLAY));
    }
    chain.add(HookEvent.synced("inet", "PHYSICAL_IN", "n1", 7, 40, Cause.REPLAY));
    // Changes missed, each its own change, then a family-level event and another replayed chain.
    List<HookEvent> missed = List.of(hook("a", null, Hint.NONE, null, 0, 41, Cause.REGISTERED),
        hook("b", null, Hint.LAST, null, 1, 42, Cause.REGISTERED),
        new HookEvent(Cmd.HN_UNREGISTER, "inet", "PHYSICAL_IN", "a", "n1", null, null, null, 0, 7, 43, false,
            Cause.UNREGISTERED),
        new HookEvent(Cmd.HN_REGISTER, "inet", "FORWARD", null, "n3", null, null, null, -1, 9, 3, true, Cause.REPLAY),
        HookEvent.synced("inet", null, "n3", 9, 3, Cause.REPLAY));
    for (Replay replay : new Replay[] {replay(chain, missed), replay(missed, chain), replay(List.of(), List.of())}) {
      assertThat(Mapping.fromCborBytes(Mapping.toCborBytes(replay), Replay.class)).isEqualTo(replay);
      assertThat(Mapping.fromJsonBytes(Mapping.toJsonBytes(replay), Replay.class)).isEqualTo(replay);
    }
  }

  @Test
  void aChainTravelsAsWhatItsHooksDoNotShare() {
    List<HookEvent> chain = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      chain.add(hook("h" + i, null, Hint.NONE, null, i, 1_000, Cause.REPLAY));
    }
    int compact = Mapping.toCborBytes(replay(chain, List.of())).length;
    int whole = Mapping.toCborBytes(Map.of("events", chain)).length;
    assertThat(compact).isLessThan(whole / 2);
  }

  @Test
  void whatIsNotAReplayedEventIsRefusedWithEinval() {
    byte[] good = Mapping.toCborBytes(replay(List.of(hook("h", null, Hint.NONE, null, 0, 1, Cause.REPLAY),
        hook("i", null, Hint.NONE, null, 1, 1, Cause.REPLAY)), List.of()));
    // A first event of six fields has no change to share; a seven-field one is neither form.
    String json = new String(Mapping.toJsonBytes(replay(List.of(), List.of())));
    for (String events : new String[] {"[[\"h\",\"n0\",null,\"NONE\",null,0]]",
        "[[\"HN_REGISTER\",\"inet\",\"PHYSICAL_IN\",7,1,true,\"REPLAY\"]]",
        "[[\"HN_REGISTER\",\"inet\",\"PHYSICAL_IN\",7,1,true,\"REPLAY\",\"h\",\"n0\",null,\"SIDEWAYS\",null,0]]",
        "[[\"HN_REGISTER\",\"inet\",\"PHYSICAL_IN\",7,1,false,\"REPLAY\",\"h\",\"n0\",null,\"NONE\",null,0]]",
        "{\"h\":1}"}) {
      byte[] bad = json.replaceFirst("\"events\":\\[\\]", "\"events\":" + events).getBytes();
      HooknetException e = catchThrowableOfType(HooknetException.class,
          () -> Mapping.fromJsonBytes(bad, Replay.class));
      assertThat(e.errno()).as(events).isEqualTo(22);
    }
    assertThat(Mapping.fromCborBytes(good, Replay.class).events()).hasSize(2);
  }
}
