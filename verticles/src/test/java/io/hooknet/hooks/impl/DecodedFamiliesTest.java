package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.impl.Mapping;
import org.junit.jupiter.api.Test;

class DecodedFamiliesTest {

  private final DecodedFamilies decoded = new DecodedFamilies();

  private static FamilyState family(String name, String event) {
    FamilyState state = new FamilyState(name, new ChangeContext(1, 7, 16, 1_000, 2_000));
    state.events.add(new FamilyState.EventState(event, new ChangeContext(1, 7, 16, 1_000, 2_000)));
    return state;
  }

  @Test
  void aKeptStateIsHandedOnceForTheBytesItWasKeptWith() {
    FamilyState state = family("inet", "IN");
    byte[] bytes = Mapping.toCborBytes(state);
    decoded.keep("inet", bytes, state);

    // The stored bytes come back as a copy (Hazelcast deserializes them): equal bytes find the kept state.
    assertThat(decoded.take("inet", bytes.clone())).isSameAs(state);
    // Taken: the next change decodes, and gets an equal state of its own.
    FamilyState again = decoded.take("inet", bytes);
    assertThat(again).isNotSameAs(state);
    assertThat(Mapping.toCborBytes(again)).isEqualTo(bytes);
  }

  @Test
  void aFamilyStoredBehindItsBackIsDecodedAfresh() {
    FamilyState kept = family("inet", "IN");
    decoded.keep("inet", Mapping.toCborBytes(kept), kept);
    // Restored from a backup, merged, or migrated: other bytes under the same name.
    byte[] other = Mapping.toCborBytes(family("inet", "OUT"));

    FamilyState taken = decoded.take("inet", other);
    assertThat(taken).isNotSameAs(kept);
    assertThat(taken.events).extracting(event -> event.event).containsExactly("OUT");
    assertThat(decoded.take("inet", null)).isNull();
  }

  @Test
  void keepingMoreThanTheBoundForgetsWhatWasKept() {
    DecodedFamilies bounded = new DecodedFamilies(1_000);
    FamilyState first = family("a", "IN");
    bounded.keep("a", Mapping.toCborBytes(first), first);
    FamilyState big = family("b", "IN");
    bounded.keep("b", new byte[900], big);

    assertThat(bounded.take("a", Mapping.toCborBytes(first))).isNotSameAs(first);
    assertThat(bounded.take("b", new byte[900])).isSameAs(big);
  }
}
