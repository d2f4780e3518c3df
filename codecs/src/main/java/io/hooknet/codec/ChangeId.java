package io.hooknet.codec;

import static io.hooknet.codec.impl.Check.notNegative;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One change of an event's chain (or a family's events), as {@link HookEvent}s carry it: the {@code seq} that
 * counts the changes and the {@code epoch} they were made in. Resuming a callback names the last one it saw.
 */
public record ChangeId(@JsonProperty(required = true) long epoch, @JsonProperty(required = true) long seq) {

  public ChangeId {
    notNegative("epoch", epoch);
    notNegative("seq", seq);
  }
}
