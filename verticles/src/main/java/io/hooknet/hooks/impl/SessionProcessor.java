package io.hooknet.hooks.impl;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.hazelcast.map.EntryProcessor;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.impl.Mapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One step of a session's life, run where its entry lives so that steps racing from different nodes (a resume
 * here, the grace period running out there) happen one after the other. The answer says whether the step applied.
 *
 * <pre>
 *   (none) --create--> connected --detach / its node left--> disconnected --expire (grace over)--> ending
 *                          ^                                       |             ending --cleaned--> tombstone
 *                          +-------------- attach (resume) --------+             (gone when its time is up)
 * </pre>
 * An ending session is never resumed: its registrations are being removed, and a client that asks for it gets a
 * new session. All times are fixed by the caller, so the backup computes the same state.
 */
final class SessionProcessor implements EntryProcessor<String, byte[], byte[]> {

  private static final long serialVersionUID = 1L;

  /**
   * A session as the cluster stores it. {@code attachment} counts the connections it has had; {@code lost} holds
   * the notices of hooks it lost in a merge while no connection of it could be told, for its next resume. An
   * ended session stays a while as a tombstone ({@code ending} and {@code cleaned}: its registrations are gone),
   * so that a merge with a side where it still lived ends it there too instead of bringing it back. Stored as a
   * CBOR map, not an array like other records: the cluster's merge policy reads its fields by name.
   */
  @JsonFormat(shape = JsonFormat.Shape.OBJECT)
  record SessionState(String id, String node, long attachment, boolean connected, long deadline, Cause cause,
      boolean ending, List<HookEvent> lost, boolean cleaned) {
    SessionState {
      lost = lost == null ? List.of() : List.copyOf(lost);
    }

    SessionState(String id, String node, long attachment, boolean connected, long deadline, Cause cause,
        boolean ending, List<HookEvent> lost) {
      this(id, node, attachment, connected, deadline, cause, ending, lost, false);
    }

    SessionState(String id, String node, long attachment, boolean connected, long deadline, Cause cause,
        boolean ending) {
      this(id, node, attachment, connected, deadline, cause, ending, List.of(), false);
    }

    /** This ending session, its clean-up done ({@code true}) or still to do. */
    SessionState cleaned(boolean done) {
      return new SessionState(id, node, attachment, false, deadline, cause, true, List.of(), done);
    }
  }

  /** The most lost notices a session keeps for its next resume; the oldest go first. */
  static final int MAX_LOST = 64;

  /** Whether the step applied, and the state after it ({@code null}: there is none). */
  record Step(boolean applied, SessionState state) {
  }

  private enum Kind { CREATE, ATTACH, REATTACH, DETACH, NODE_GONE, EXPIRE, END, LOST, TAKE_LOST, CLEANED }

  private final Kind kind;
  private final String node;
  private final long attachment;
  private final long time;
  private final Cause cause;
  /** With {@link Kind#LOST}: the notice, as CBOR (the processor travels by Java serialization). */
  private final byte[] notice;

  private SessionProcessor(Kind kind, String node, long attachment, long time, Cause cause) {
    this(kind, node, attachment, time, cause, null);
  }

  private SessionProcessor(Kind kind, String node, long attachment, long time, Cause cause, byte[] notice) {
    this.kind = kind;
    this.node = node;
    this.attachment = attachment;
    this.time = time;
    this.cause = cause;
    this.notice = notice;
  }

  /** Keeps the notice of a hook the session lost, for its next resume, unless it has ended. */
  static SessionProcessor lost(HookEvent event) {
    return new SessionProcessor(Kind.LOST, null, 0, 0, null, Mapping.toCborBytes(event));
  }

  /**
   * Hands the kept notices to connection {@code attachment} at {@code node}, which the session has now: a notice
   * kept while no connection of the session listened (during a merge, say) is not left waiting for a resume that
   * may never come. The step's state has them; the stored one no longer does.
   */
  static SessionProcessor takeLost(String node, long attachment) {
    return new SessionProcessor(Kind.TAKE_LOST, node, attachment, 0, null);
  }

  /** A new session anchored at {@code node}, unless the id is taken. */
  static SessionProcessor create(String node) {
    return new SessionProcessor(Kind.CREATE, node, 1, 0, null);
  }

  /**
   * A resume at {@code node}, unless the session is gone, ending or past its grace period at {@code now} (the wall
   * clock of the resuming node, ms), which numbers the new connection.
   */
  static SessionProcessor attach(String node, long now) {
    return new SessionProcessor(Kind.ATTACH, node, 0, now, null);
  }

  /**
   * After a merge: the connection {@code attachment} at {@code node} is still open; recreated if it is gone. Not
   * applied when the session has ended or has had a later connection since.
   */
  static SessionProcessor reattach(String node, long attachment) {
    return new SessionProcessor(Kind.REATTACH, node, attachment, 0, null);
  }

  /** Connection {@code attachment} closed: the grace period runs until {@code deadline}. */
  static SessionProcessor detach(long attachment, long deadline) {
    return detach(attachment, deadline, Cause.CLIENT_LEFT);
  }

  /**
   * Connection {@code attachment} is gone for {@code cause}: {@link Cause#NODE_LEFT} when the node it was at no
   * longer has it (it restarted); the grace period runs until {@code deadline}.
   */
  static SessionProcessor detach(long attachment, long deadline, Cause cause) {
    return new SessionProcessor(Kind.DETACH, null, attachment, deadline, cause);
  }

  /** Node {@code node} left: a session still anchored there runs its grace period until {@code deadline}. */
  static SessionProcessor nodeGone(String node, long deadline) {
    return new SessionProcessor(Kind.NODE_GONE, node, 0, deadline, Cause.NODE_LEFT);
  }

  /** Ends a disconnected session whose grace period is over at {@code now}. */
  static SessionProcessor expire(long now) {
    return new SessionProcessor(Kind.EXPIRE, null, 0, now, null);
  }

  /** The registrations of an ending session are gone: it stays as a tombstone. */
  static SessionProcessor cleaned() {
    return new SessionProcessor(Kind.CLEANED, null, 0, 0, null);
  }

  /** Ends the session now, as its client asked ({@code session.close}). */
  static SessionProcessor end() {
    return end(Cause.CLIENT_LEFT);
  }

  /**
   * Ends the session now for {@code cause}: its registrations are gone already (a merge brought the session back
   * while its clean-up was removing them), so it cannot go on.
   */
  static SessionProcessor end(Cause cause) {
    return new SessionProcessor(Kind.END, null, 0, 0, cause);
  }

  @Override
  public byte[] process(Map.Entry<String, byte[]> entry) {
    SessionState state = entry.getValue() == null ? null
        : Mapping.fromCborBytes(entry.getValue(), SessionState.class);
    SessionState next = next(entry.getKey(), state);
    if (next == null) {
      return Mapping.toCborBytes(new Step(false, state));
    }
    SessionState stored = kind == Kind.ATTACH || kind == Kind.TAKE_LOST ? new SessionState(next.id(), next.node(), next.attachment(),
        next.connected(), next.deadline(), next.cause(), next.ending()) : next;
    entry.setValue(Mapping.toCborBytes(stored));
    return Mapping.toCborBytes(new Step(true, next));
  }

  /** The state after this step, or {@code null} when the step does not apply. */
  private SessionState next(String id, SessionState state) {
    switch (kind) {
      case CREATE:
        return state != null ? null : new SessionState(id, node, attachment, true, 0, null, false);
      case ATTACH:
        // The kept notices go with the step's answer to the connection that resumes, and leave the state. The
        // attachment is the time of the resume (one more than the last when that is later): the two sides of a
        // split count resumes each on its own, and a merge must still tell which connection the client made last.
        return state == null || state.ending() || !state.connected() && time >= state.deadline() ? null
            : new SessionState(id, node, Math.max(state.attachment() + 1, time), true, 0, null, false,
                state.lost());
      case LOST:
        if (state == null || state.ending()) {
          return null;
        }
        List<HookEvent> lost = new ArrayList<>(state.lost());
        lost.add(Mapping.fromCborBytes(notice, HookEvent.class));
        return new SessionState(id, state.node(), state.attachment(), state.connected(), state.deadline(),
            state.cause(), false, lost.subList(Math.max(0, lost.size() - MAX_LOST), lost.size()));
      case TAKE_LOST:
        return state == null || state.ending() || !state.connected() || !node.equals(state.node())
            || state.attachment() != attachment || state.lost().isEmpty() ? null : state;
      case REATTACH:
        // A later connection (a resume at another node) has the session: this one was left, whatever its node
        // still holds, and taking the session back would tie it to a connection no client uses.
        return state != null && (state.ending() || state.attachment() > attachment) ? null
            : new SessionState(id, node, attachment, true, 0, null, false, state == null ? null : state.lost());
      case DETACH:
        return state == null || !state.connected() || state.attachment() != attachment ? null
            : new SessionState(id, state.node(), attachment, false, time, cause, false);
      case NODE_GONE:
        return state == null || !state.connected() || !state.node().equals(node) ? null
            : new SessionState(id, node, state.attachment(), false, time, cause, false);
      case CLEANED:
        return state == null || !state.ending() || state.cleaned() ? null : state.cleaned(true);
      case EXPIRE:
        return state == null || state.connected() || state.ending() || time < state.deadline() ? null
            : new SessionState(id, state.node(), state.attachment(), false, state.deadline(), state.cause(), true);
      default:
        return state == null || state.ending() ? null
            : new SessionState(id, state.node(), state.attachment(), false, 0, cause, true);
    }
  }
}
