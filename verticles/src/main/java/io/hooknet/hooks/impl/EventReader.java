package io.hooknet.hooks.impl;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.FamilyState.EventState;
import java.io.IOException;
import java.util.Map;

/**
 * Reads one event of a family where the family's entry lives and answers only what the reads use: its chain, its
 * counts and its latest change, not the changes it keeps for resuming callbacks, its callbacks or the family's other
 * events. A {@code run}, and a {@code list} or {@code stats} of one event, so cost the same whatever the family
 * holds. Answers {@code null} when there is no such family, an empty array when it has no such event. Read-only: it
 * changes nothing, and no backup runs it.
 */
final class EventReader implements EntryProcessor<String, FamilyState, byte[]>, ReadOnly, DataSerializable {

  private static final byte[] NO_EVENT = new byte[0];

  private String event;

  /** For Hazelcast, which makes the reader and then reads it ({@link #readData}). */
  EventReader() {
  }

  EventReader(String event) {
    this.event = event;
  }

  // Hazelcast data rather than Java serialization, like FamilyProcessor: every run reads its event this way.
  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(event);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    event = in.readString();
  }

  @Override
  public byte[] process(Map.Entry<String, FamilyState> entry) {
    FamilyState family = entry.getValue();
    if (family == null) {
      return null;
    }
    EventState found = family.event(event);
    if (found == null) {
      return NO_EVENT;
    }
    // Written here, on the partition thread that owns the entry, before any change can touch what it shares.
    return Mapping.toCborBytes(found.summary());
  }

  @Override
  public EntryProcessor<String, FamilyState, byte[]> getBackupProcessor() {
    return null;
  }
}
