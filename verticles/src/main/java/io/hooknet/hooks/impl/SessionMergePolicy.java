package io.hooknet.hooks.impl;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.SessionProcessor.SessionState;

/**
 * How the sessions of two sides of a split merge ({@value SessionsImpl#MAP}): a session that ended on either side
 * stays ended, with its clean-up to run again over the merged registry (a tombstone from one side and a live
 * session from the other, whose registrations the other side kept); otherwise the cluster's own entry stays, and
 * a session only the merging side knows is taken in. Hazelcast's default, put-if-absent, would bring an ended
 * session back to life with the registrations it held on the other side.
 */
public final class SessionMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

  public SessionMergePolicy() {
  }

  @Override
  public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
    if (existing == null) {
      return merging.getRawValue();
    }
    SessionState theirs = state(existing);
    SessionState ours = state(merging);
    if (theirs == null || ours == null) {
      return existing.getRawValue();
    }
    if (!theirs.ending() && !ours.ending()) {
      return existing.getRawValue();
    }
    SessionState ended = theirs.ending() ? theirs : ours;
    return Mapping.toCborBytes(ended.cleaned(theirs.cleaned() && ours.cleaned()));
  }

  private static SessionState state(MergingValue<Object> value) {
    Object bytes = value.getDeserializedValue();
    return bytes instanceof byte[] ? Mapping.fromCborBytes((byte[]) bytes, SessionState.class) : null;
  }

  @Override
  public void writeData(ObjectDataOutput out) {
  }

  @Override
  public void readData(ObjectDataInput in) {
  }
}
