package io.hooknet.codec;

import static io.hooknet.codec.impl.Check.name;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What {@code run} sends to a hook's address; the hook answers with a {@link Result}. A non-zero
 * {@code rc} stops the chain.
 */
public record HookCall(
    @JsonProperty(required = true) String family,
    @JsonProperty(required = true) String event,
    @JsonProperty(required = true) String hook,
    JsonNode payload) implements HooknetMessage {

  public HookCall {
    name("family", family);
    name("event", event);
    name("hook", hook);
  }

  /** A hook's answer to a {@link HookCall}. */
  public record Result(@JsonProperty(required = true) int rc) implements HooknetMessage {
  }
}
