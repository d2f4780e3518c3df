package io.hooknet.codec;

import static io.hooknet.codec.impl.Check.invalid;
import static io.hooknet.codec.impl.Check.name;
import static io.hooknet.codec.impl.Check.notNegative;
import static io.hooknet.codec.impl.Check.optionalName;
import static io.hooknet.codec.impl.Check.required;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.EnumSet;
import java.util.Set;

/**
 * A change to an event's hook chain ({@code net_event_notify_register(9F)}), or at protocol level
 * ({@code hook} null) to a family's events; or {@link Cmd#HN_SYNCED}, the end of a replay.
 *
 * <p>A change is identified cluster-wide by {@code (epoch, seq)}: {@code seq} counts an event's changes one by
 * one, and {@code epoch} changes whenever the cluster's membership has changed since the previous change, so
 * that the two sides of a split never give one {@code (epoch, seq)} to two different changes.
 *
 * @param cmd       {@link Cmd#HN_REGISTER}, {@link Cmd#HN_UNREGISTER} or {@link Cmd#HN_SYNCED}
 * @param family    the family (protocol) name, {@code name1} of the callback
 * @param event     the event name, {@code name2}; {@code null} only for the {@code HN_SYNCED} of a protocol-level
 *                  replay
 * @param hook      the hook name, {@code name3}; {@code null} at protocol level and for {@code HN_SYNCED}
 * @param node      the node the hook (or event) was registered through; for {@code HN_SYNCED} the node that
 *                  sent the replay
 * @param session   the bridge session that owns the hook, {@code null} when a node owns it
 * @param hint      the hook's hint; {@code null} at protocol level
 * @param hintValue the hook named by a {@code BEFORE}/{@code AFTER} hint, else {@code null}
 * @param position  the hook's 0-based place in the chain when the change happened; -1 at protocol level
 * @param epoch     the epoch of the change (or of the state a replay describes)
 * @param seq       the event's change sequence number (or that of the state a replay describes)
 * @param replay    true for replayed state (on register, resume, resync or unregister), false for a change
 * @param cause     why the callback is told
 */
public record HookEvent(
    @JsonProperty(required = true) Cmd cmd,
    @JsonProperty(required = true) String family,
    String event,
    String hook,
    @JsonProperty(required = true) String node,
    String session,
    Hint hint,
    String hintValue,
    @JsonProperty(required = true) int position,
    @JsonProperty(required = true) long epoch,
    @JsonProperty(required = true) long seq,
    @JsonProperty(required = true) boolean replay,
    @JsonProperty(required = true) Cause cause) implements HooknetMessage {

  /** The notify command ({@code hook_notify_cmd_t}), and the end-of-replay marker. */
  public enum Cmd { HN_REGISTER, HN_UNREGISTER, HN_SYNCED }

  /** Why a callback is told of a hook. */
  public enum Cause {
    /** The hook was registered. */
    REGISTERED,
    /** The hook was unregistered. */
    UNREGISTERED,
    /** The hook's owner was a node that left the cluster, or a session whose node left and that did not resume. */
    NODE_LEFT,
    /** The hook's owner was a bridge session whose client went and did not come back within the grace period. */
    CLIENT_LEFT,
    /** After a split-brain merge the hook's name was kept by another registration. */
    MERGE_CONFLICT,
    /** The callback was just registered and is told of a hook already there. */
    REPLAY,
    /** The callback's view cannot be brought up to date change by change: the chain is replayed whole. */
    RESYNC,
    /** The callback is being unregistered and is told of a hook still there. */
    TEARDOWN
  }

  private static final Set<Cause> REPLAYED = EnumSet.of(Cause.REPLAY, Cause.RESYNC, Cause.TEARDOWN);

  public HookEvent {
    required("cmd", cmd);
    name("family", family);
    if (cmd != Cmd.HN_SYNCED || event != null) {
      name("event", event);
    }
    optionalName("hook", hook);
    name("node", node);
    optionalName("session", session);
    optionalName("hintValue", hintValue);
    if (position < -1) {
      throw invalid("position", "must be -1 or more, not " + position);
    }
    notNegative("epoch", epoch);
    notNegative("seq", seq);
    required("cause", cause);
    if (cause != Cause.MERGE_CONFLICT && replay != REPLAYED.contains(cause)) {
      throw invalid("replay", "must be " + REPLAYED.contains(cause) + " with cause " + cause);
    }
    if (cmd == Cmd.HN_SYNCED && (hook != null || !replay || cause == Cause.TEARDOWN)) {
      throw invalid("cmd", "HN_SYNCED ends a replay: it names no hook and has cause REPLAY or RESYNC");
    }
  }

  /**
   * The end of a replay of {@code family/event} (of a family's events when {@code event} is null) as of change
   * {@code (epoch, seq)}, sent by {@code node}.
   */
  public static HookEvent synced(String family, String event, String node, long epoch, long seq, Cause cause) {
    return new HookEvent(Cmd.HN_SYNCED, family, event, null, node, null, null, null, -1, epoch, seq, true, cause);
  }

  /** This event's change identity. */
  public ChangeId change() {
    return new ChangeId(epoch, seq);
  }
}
