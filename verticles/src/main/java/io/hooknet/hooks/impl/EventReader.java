package io.hooknet.hooks.impl;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.FamilyState.EventState;
import java.util.Map;

/**
 * Reads one event of a family where the family's entry lives and answers only what the reads use: its chain, its
 * counts and its latest change, not the changes it keeps for resuming callbacks, its callbacks or the family's other
 * events. A {@code run}, and a {@code list} or {@code stats} of one event, so cost the same whatever the family
 * holds. Answers {@code null} when there is no such family, an empty array when it has no such event. Read-only: it
 * changes nothing, and no backup runs it.
 */
final class EventReader implements EntryProcessor<String, FamilyState, byte[]>, ReadOnly {

  private static final long serialVersionUID = 1L;
  private static final byte[] NO_EVENT = new byte[0];

  private final String event;

  EventReader(String event) {
    this.event = event;
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
    EventState read = new EventState();
    read.event = found.event;
    read.shutdown = found.shutdown;
    read.chain = found.chain;
    read.hooksAdded = found.hooksAdded;
    read.hooksRemoved = found.hooksRemoved;
    read.runs = found.runs;
    read.hits = found.hits;
    read.changes = new Changes();
    read.changes.epoch = found.changes.epoch;
    read.changes.seq = found.changes.seq;
    // Written here, on the partition thread that owns the entry, before any change can touch what it shares.
    return Mapping.toCborBytes(read);
  }

  @Override
  public EntryProcessor<String, FamilyState, byte[]> getBackupProcessor() {
    return null;
  }
}
