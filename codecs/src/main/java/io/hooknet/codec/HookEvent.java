package io.hooknet.codec;

import static io.hooknet.codec.impl.Check.invalid;
import static io.hooknet.codec.impl.Check.name;
import static io.hooknet.codec.impl.Check.notNegative;
import static io.hooknet.codec.impl.Check.optionalName;
import static io.hooknet.codec.impl.Check.required;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A change to an event's hook chain ({@code net_event_notify_register(9F)}), or at protocol level
 * ({@code hook} null) to a family's events.
 *
 * @param cmd       {@link Cmd#HN_REGISTER} or {@link Cmd#HN_UNREGISTER}
 * @param family    the family (protocol) name, {@code name1} of the callback
 * @param event     the event name, {@code name2}
 * @param hook      the hook name, {@code name3}; {@code null} for a protocol-level event
 * @param node      the node that owns the hook (or event)
 * @param hint      the hook's hint; {@code null} at protocol level
 * @param hintValue the hook named by a {@code BEFORE}/{@code AFTER} hint, else {@code null}
 * @param position  the hook's 0-based place in the chain when the change happened; -1 at protocol level
 * @param seq       the event's change sequence number
 * @param replay    true for replayed state (on notify register or unregister), false for a live change
 * @param cause     why the callback is told
 */
public record HookEvent(
    @JsonProperty(required = true) Cmd cmd,
    @JsonProperty(required = true) String family,
    @JsonProperty(required = true) String event,
    String hook,
    @JsonProperty(required = true) String node,
    Hint hint,
    String hintValue,
    @JsonProperty(required = true) int position,
    @JsonProperty(required = true) long seq,
    @JsonProperty(required = true) boolean replay,
    @JsonProperty(required = true) Cause cause) implements HooknetMessage {

  /** The notify command ({@code hook_notify_cmd_t}). */
  public enum Cmd { HN_REGISTER, HN_UNREGISTER }

  /** Why a callback is told of a hook. */
  public enum Cause {
    /** The hook was registered. */
    REGISTERED,
    /** The hook was unregistered. */
    UNREGISTERED,
    /** The hook's node left the cluster and its hooks were removed. */
    NODE_LEFT,
    /** The callback was just registered and is told of a hook already there. */
    REPLAY,
    /** The callback is being unregistered and is told of a hook still there. */
    TEARDOWN
  }

  public HookEvent {
    required("cmd", cmd);
    name("family", family);
    name("event", event);
    optionalName("hook", hook);
    name("node", node);
    optionalName("hintValue", hintValue);
    if (position < -1) {
      throw invalid("position", "must be -1 or more, not " + position);
    }
    notNegative("seq", seq);
    required("cause", cause);
    boolean replayCause = cause == Cause.REPLAY || cause == Cause.TEARDOWN;
    if (replay != replayCause) {
      throw invalid("replay", "must be " + replayCause + " with cause " + cause);
    }
  }
}
