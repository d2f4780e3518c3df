package io.hooknet.hooks;

import io.hooknet.codec.HookEvent;
import io.vertx.core.Future;
import java.util.List;

/**
 * The bridge sessions of the cluster, as the bridges of one node use them. Each bridge connection belongs to a
 * session anchored at this node; its hooks and callbacks belong to the session. A session outlives its
 * connection for the grace period ({@link HookRegistryOptions#getSessionGraceSeconds()}): a client that comes
 * back within it, to any node, resumes it. When it ends, its registrations go, each hook told to the remaining
 * callbacks with cause {@code CLIENT_LEFT} (or {@code NODE_LEFT} when its node died and it did not resume).
 * Sessions are cluster state, in Hazelcast beside the registry. Its methods may be called from any context (a
 * bridge's event loop, say); their futures complete on the caller's context.
 */
public interface Sessions {

  /** The prefix of the addresses a bridged client may listen to and register as its own. */
  String CLIENT_PREFIX = "hooknet.client.";

  /**
   * The prefix of the addresses that belong to a session by their name: its notice address
   * ({@link #ownerAddress}) and every address under that, {@code hooknet.session.<id>.…}.
   */
  String SESSION_PREFIX = "hooknet.session.";

  /** The address where a session's owner is told that it lost a registration (a merge conflict). */
  static String ownerAddress(String session) {
    return SESSION_PREFIX + session;
  }

  /**
   * Whether {@code address} is one of {@code session}'s own addresses for callbacks and hooks: an address under its
   * notice address, {@code hooknet.session.<id>.<name>}. Such an address needs no claim: its name says whose it is.
   */
  static boolean ownAddress(String session, String address) {
    String owner = ownerAddress(session);
    return address.length() > owner.length() + 1 && address.startsWith(owner)
        && address.charAt(owner.length()) == '.';
  }

  /**
   * The session of a new connection: {@code proposed} (a session id the client had) when that session is still
   * live, resumed and anchored here; otherwise a new session with a new id. {@code close} closes the connection:
   * it is called when another connection on this node takes the session over, or when the session ends while the
   * connection is open (after a merge found it ended, or a later connection resumed it elsewhere); it runs on the
   * context that opened the session.
   */
  Future<Session> open(String proposed, Runnable close);

  /** The connection of {@code session} closed: the session's grace period starts. */
  void detach(Session session);

  /**
   * Claims an address under {@value #CLIENT_PREFIX} for {@code session}: fails with {@code EACCES} when another
   * session has claimed it. Claims last as long as the session.
   */
  Future<Void> claim(Session session, String address);

  /**
   * A session as one connection holds it; {@code attachment} counts the connections it has had; {@code lost} are
   * the notices of hooks it lost in a merge while none of its connections could be told.
   */
  record Session(String id, long attachment, boolean resumed, List<HookEvent> lost) {
    public Session {
      lost = lost == null ? List.of() : List.copyOf(lost);
    }

    public Session(String id, long attachment, boolean resumed) {
      this(id, attachment, resumed, List.of());
    }
  }

  /**
   * Tells session {@code session} that it lost a hook in a merge: on its address when a connection of it listens
   * there, else at its next resume, in the answer to {@code session}.
   */
  void lost(String session, HookEvent event);
}
