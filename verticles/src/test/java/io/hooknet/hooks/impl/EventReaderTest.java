package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.internal.serialization.impl.SerializationConstants;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.FamilyState.EventState;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A read of one event carries its chain, counts and latest change, and nothing else the family holds. */
class EventReaderTest {

  @Test
  void anEventIsReadWithoutItsKeptChangesItsCallbacksOrTheOtherEvents() {
    FamilyState family = new FamilyState();
    family.family = "inet";
    EventState in = event("IN", 2);
    in.chain.add(new HookChain.Link("a", Hint.NONE, null, "addr.a", "n1"));
    in.callbacks.add(new FamilyState.Callback("hooknet.hooks.node.n1.cb.x", "n1", null, 1));
    in.hooksAdded = 2;
    in.hooksRemoved = 1;
    in.runs = 9;
    in.hits.put("a", 9L);
    family.addEvent(in);
    family.addEvent(event("OUT", 50));

    EventState read = Mapping.fromCborBytes(new EventReader("IN").process(entry(family)), EventState.class);
    assertThat(read.event).isEqualTo("IN");
    assertThat(read.chain).containsExactlyElementsOf(in.chain);
    assertThat(List.of(read.hooksAdded, read.hooksRemoved, read.runs)).containsExactly(2L, 1L, 9L);
    assertThat(read.hits).containsExactlyEntriesOf(Map.of("a", 9L));
    assertThat(List.of(read.changes.epoch, read.changes.seq)).containsExactly(77L, 2L);
    assertThat(read.changes.history).isEmpty();
    assertThat(read.callbacks).isEmpty();
    // The family's entry is read, not changed.
    assertThat(in.changes.history).hasSize(2);
    assertThat(in.callbacks).hasSize(1);
  }

  @Test
  void noFamilyIsNullAndNoEventIsEmpty() {
    FamilyState family = new FamilyState();
    family.family = "inet";
    assertThat(new EventReader("IN").process(entry(null))).isNull();
    assertThat(new EventReader("IN").process(entry(family))).isEmpty();
    assertThat(new EventReader("IN").getBackupProcessor()).isNull();
  }

  @Test
  void aReaderTravelsAsHazelcastDataAndReadsTheSameEventThere() {
    InternalSerializationService serialization = new DefaultSerializationServiceBuilder().build();
    Data data = serialization.toData(new EventReader("IN"));
    // Hazelcast's own data format, not Java serialization.
    assertThat(data.getType()).isEqualTo(SerializationConstants.CONSTANT_TYPE_DATA_SERIALIZABLE);
    EventReader there = serialization.toObject(data);
    FamilyState family = new FamilyState();
    family.family = "inet";
    family.addEvent(event("IN", 3));
    family.addEvent(event("OUT", 5));
    EventState read = Mapping.fromCborBytes(there.process(entry(family)), EventState.class);
    assertThat(List.of(read.event, read.changes.seq)).containsExactly("IN", 3L);
  }

  private static EventState event(String name, int changes) {
    EventState event = new EventState();
    event.event = name;
    event.changes.epoch = 77;
    for (int i = 1; i <= changes; i++) {
      event.changes.seq = i;
      event.changes.history.add(HookEvent.synced("inet", name, "n1", 77, i, Cause.REPLAY));
    }
    return event;
  }

  private static Map.Entry<String, FamilyState> entry(FamilyState family) {
    return new AbstractMap.SimpleEntry<>("inet", family);
  }
}
