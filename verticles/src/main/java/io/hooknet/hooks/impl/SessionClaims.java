package io.hooknet.hooks.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.hooks.Sessions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * Who may register at which address. An address under a session's {@code hooknet.session.<id>} is that session's by
 * its name. A {@code hooknet.client.} address belongs to the session that claimed it first: the claims are the
 * entries of the Hazelcast map {@value #MAP} (address to session), each made by a {@link ClaimProcessor} where the
 * entry lives, so that two sessions racing for one address get one answer. A node's own registrations may use
 * neither kind. The claims of a session go when it ends. Runs on the registry's event loop.
 */
final class SessionClaims {

  static final String MAP = "hooknet.sessions.claims";

  /** A claim a session made through one of its connections, in cluster view {@code view}: under way or made. */
  record Claim(long view, Future<Void> made) {
  }

  private final Vertx vertx;
  private final Context context;
  private final FamilyStore store;
  private final IMap<String, String> claims;

  SessionClaims(Vertx vertx, Context context, FamilyStore store, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.context = context;
    this.store = store;
    this.claims = hazelcast.getMap(MAP);
  }

  /**
   * Checks that {@code owner} may register at {@code address}; {@code madeHere} are the claims made through the
   * connection here of {@code owner}'s session (null: none here), see {@link #claim}.
   */
  Future<Void> check(Owner owner, String address, Map<String, Claim> madeHere) {
    if (address.startsWith(Sessions.SESSION_PREFIX)) {
      if (owner.sessionOwned() && Sessions.ownAddress(owner.session(), address)) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(owner.sessionOwned() && address.equals(Sessions.ownerAddress(owner.session()))
          ? HooknetException.of(Errno.EINVAL, "address '%s' is where session %s is told of lost registrations; its"
              + " callbacks and hooks take addresses under it", address, owner.session())
          : taken(address));
    }
    if (!address.startsWith(Sessions.CLIENT_PREFIX)) {
      return Future.succeededFuture();
    }
    if (owner.sessionOwned()) {
      return claim(owner.session(), address, madeHere);
    }
    return store.within(FamilyStore.onContext(claims.getAsync(address), context), "check " + address)
        .compose(holder -> holder == null ? Future.succeededFuture() : Future.failedFuture(taken(address)));
  }

  /**
   * Claims {@code address} for {@code session} where the claim's entry lives. A session connected here claims each
   * address once per cluster view ({@code madeHere}, its connection's claims; null when it has no connection here):
   * the bridge claims a client's address as the client registers a handler there, and the registration at that
   * address that follows at once takes that claim, made or under way, instead of claiming again. In another view
   * the claim is made again (a merge or a lost partition may have given the address to another session), as it is
   * after a claim that failed.
   */
  Future<Void> claim(String session, String address, Map<String, Claim> madeHere) {
    long view = store.view();
    Claim claimed = madeHere == null ? null : madeHere.get(address);
    if (claimed != null && claimed.view() == view && !claimed.made().failed()) {
      return claimed.made();
    }
    Future<Void> made = store.within(FamilyStore.onContext(claims.submitToKey(address, new ClaimProcessor(session)),
        context), "claim " + address).compose(holder -> holder == null || holder.equals(session)
            ? Future.succeededFuture() : Future.failedFuture(taken(address)));
    if (madeHere != null) {
      madeHere.put(address, new Claim(view, made));
    }
    return made;
  }

  /** Lets every address {@code session} claimed go. */
  Future<Void> release(String session) {
    return vertx.executeBlocking(() -> {
      claims.removeAll(Predicates.equal("this", session));
      return null;
    }, false);
  }

  private static HooknetException taken(String address) {
    return HooknetException.of(Errno.EACCES, "address '%s' belongs to another session", address);
  }
}
