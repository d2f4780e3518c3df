package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.spi.merge.MergingValue;
import io.hooknet.cluster.impl.SessionMergePolicy;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.SessionProcessor.SessionState;
import org.junit.jupiter.api.Test;

/** Two sides' copies of a session merge so that an ended session stays ended (the policy reads the states as CBOR). */
class SessionMergePolicyTest {

  private static final SessionState LIVE = new SessionState("s", "n3", 2, true, 0, null, false);
  private static final SessionState TOMBSTONE = new SessionState("s", "n1", 3, false, 0, Cause.CLIENT_LEFT, true)
      .cleaned(true);

  /** A side's entry as Hazelcast hands it to the policy. */
  private record Side(byte[] bytes) implements MergingValue<Object> {
    @Override
    public Object getDeserializedValue() {
      return bytes;
    }

    @Override
    public Object getRawValue() {
      return bytes;
    }
  }

  private static Side side(SessionState state) {
    return new Side(Mapping.toCborBytes(state));
  }

  private static SessionState merged(Side merging, Side existing) {
    return Mapping.fromCborBytes((byte[]) new SessionMergePolicy().merge(merging, existing), SessionState.class);
  }

  @Test
  void anEndedSessionWinsOverALiveCopyAndItsCleanUpRunsAgain() {
    for (SessionState result : new SessionState[] {merged(side(LIVE), side(TOMBSTONE)),
        merged(side(TOMBSTONE), side(LIVE))}) {
      assertThat(result.ending()).isTrue();
      assertThat(result.cleaned()).isFalse();
      assertThat(result.connected()).isFalse();
      assertThat(result.cause()).isEqualTo(Cause.CLIENT_LEFT);
    }
    assertThat(merged(side(TOMBSTONE), side(TOMBSTONE)).cleaned()).isTrue();
  }

  @Test
  void aSessionEndedOnlyForItsNodesAbsenceGoesOnWhereItStayedConnected() {
    // The side cut off from n3 ended the session when its grace period ran out; on n3's side the client stayed.
    SessionState nodeGone = new SessionState("s", "n3", 2, false, 0, Cause.NODE_LEFT, true).cleaned(true);
    assertThat(merged(side(LIVE), side(nodeGone))).isEqualTo(LIVE);
    assertThat(merged(side(nodeGone), side(LIVE))).isEqualTo(LIVE);
    // Resumed and then closed by its client on the other side: a later attachment, and a client's end.
    SessionState laterNodeGone = new SessionState("s", "n1", 3, false, 0, Cause.NODE_LEFT, true);
    assertThat(merged(side(LIVE), side(laterNodeGone)).ending()).isTrue();
    // Disconnected on the live side too: nothing tells the client stayed, and the end stands.
    SessionState waiting = new SessionState("s", "n3", 2, false, 99, Cause.CLIENT_LEFT, false);
    assertThat(merged(side(waiting), side(nodeGone)).ending()).isTrue();
  }

  @Test
  void otherwiseTheClustersEntryStaysAndASessionOnlyTheMergingSideKnowsIsTakenIn() {
    SessionState other = new SessionState("s", "n1", 5, true, 0, null, false);
    assertThat(merged(side(LIVE), side(other))).isEqualTo(other);
    assertThat(merged(side(LIVE), null)).isEqualTo(LIVE);
  }
}
