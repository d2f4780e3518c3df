package io.hooknet.bridge.impl;

import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.Sessions;
import io.hooknet.hooks.Sessions.Session;
import io.hooknet.metrics.HooknetMeters;
import io.hooknet.sockets.SocketPool;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * What bridged clients may do, the same for the TCP and the SockJS bridge. Deny by default. Clients may listen
 * to {@code hooknet.hooks.events}, {@code hooknet.sock.events}, {@code hooknet.link.events}, their own
 * {@code hooknet.client.…} addresses and their session's {@code hooknet.session.<id>} and the addresses under it.
 * With commands enabled they may also send (never publish) to the registry and pool command addresses, each
 * message carrying the token in its {@code token} header, which is removed before the message goes on.
 *
 * <p>Each connection belongs to a {@link Sessions session}, opened when it first needs one: the client may propose
 * the id of a session it had in the {@code session} header of any message. Registry commands are carried out by
 * this node, whichever command address they name, as the connection's session: the policy sends them to this
 * node's command address, local-only, with the session in their {@code session} header (replacing any the client
 * set). An address under {@code hooknet.session.<id>.} belongs to that session by its name, and one under
 * {@code hooknet.client.} that a session has registered belongs to it by a claim; another session's register of
 * either is refused, and a second register of one address on one connection is refused rather than leaking a
 * consumer.
 *
 * <p>A policy serves the bridges of one verticle, on its event loop: the sessions answer it there, and close its
 * connections there.
 * A connection's messages are decided one after the other, in the order they came. A message that is not
 * well-formed (headers that are no object, an address that is no string) is refused and changes nothing.
 */
public final class BridgePolicy {

  private static final Logger LOG = Logger.getLogger(BridgePolicy.class.getName());
  private static final String TOKEN = "token";
  /** How long a bridge waits for a command's answer: longer than the registry ever takes to give one. */
  public static final long COMMAND_TIMEOUT_MILLIS = 60_000;
  private static final Pattern REGISTRY_COMMANDS = Pattern.compile("hooknet\\.hooks(\\.[A-Za-z0-9._-]+)?\\.cmd");
  private static final Set<String> BRIDGE_HEADERS = Set.of("timeout", "localOnly", "codecName",
      HookRegistry.REFUSED_HEADER, HookRegistry.REFUSED_MESSAGE_HEADER);

  private final HooknetBridgeOptions options;
  private final String localCommands;
  private final Sessions sessions;
  private final Map<Object, Connection> connections = new IdentityHashMap<>();
  /** The connections whose session is open, read by the meters from other threads too. */
  private final Set<Connection> withSession = ConcurrentHashMap.newKeySet();

  private static final class Connection {
    final Object socket;
    final Runnable close;
    final Set<String> registered = new HashSet<>();
    Future<Void> decided = Future.succeededFuture();
    String proposed;
    Future<Session> session;

    Connection(Object socket, Runnable close) {
      this.socket = socket;
      this.close = close;
    }
  }

  public BridgePolicy(HooknetBridgeOptions options, HookRegistry registry) {
    this.options = options;
    this.localCommands = HookRegistry.bridgeCommands(registry.nodeName());
    this.sessions = registry.sessions();
    HooknetMeters.bridgeSessions(withSession::size);
  }

  /** The addresses the bridges let through, before the checks of {@link #allow}. */
  public <T extends BridgeOptions> T permitted(T bridge) {
    bridge.addOutboundPermitted(new PermittedOptions().setAddress(HookRegistry.EVENTS))
        .addOutboundPermitted(new PermittedOptions().setAddress(SocketPool.SOCK_EVENTS))
        .addOutboundPermitted(new PermittedOptions().setAddress(SocketPool.LINK_EVENTS))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex("hooknet\\.client\\.[^ ]+"))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex("hooknet\\.session\\.[^ ]+"));
    if (options.isEnableCommands()) {
      bridge.addInboundPermitted(new PermittedOptions().setAddressRegex(REGISTRY_COMMANDS.pattern()))
          .addInboundPermitted(new PermittedOptions().setAddressRegex("hooknet\\.pool\\.[A-Za-z0-9._-]+\\.cmd"));
    }
    return bridge;
  }

  /**
   * Where a message the client sends goes: a registry command to this node's registry, anything else
   * where it says. The TCP bridge reads the address before it asks {@link #allow}, so its front rewrites frames
   * with this; for SockJS {@link #allow} does.
   */
  public String route(String address) {
    return REGISTRY_COMMANDS.matcher(address).matches() ? localCommands : address;
  }

  /**
   * Decides whether a bridge event of connection {@code socket} may go ahead (may rewrite {@code raw}) and hands the
   * decision to {@code then}, which lets the bridge act on it. A connection's events are decided and acted on one
   * after the other, in the order they came: the next is decided only once {@code then} has run for this one, so
   * that a decision that takes time (opening a session) cannot let later messages overtake earlier ones. {@code close}
   * closes the connection, should its session be taken over or end.
   */
  public void allow(BridgeEventType type, JsonObject raw, Object socket, Runnable close, Handler<Boolean> then) {
    Connection connection = connections.computeIfAbsent(socket, s -> new Connection(s, close));
    connection.decided = connection.decided.transform(previous -> decide(type, raw, socket, connection))
        .otherwise(failure -> {
          LOG.fine(() -> type + " refused: " + failure.getMessage());
          return false;
        })
        .map(allowed -> {
          then.handle(allowed);
          return null;
        });
  }

  /**
   * Whether {@code socket} is a client not seen before. The TCP bridge emits no {@code SOCKET_CLOSED}, so its
   * caller watches a new socket's close and calls {@link #closed}.
   */
  public boolean isNew(Object socket) {
    return !connections.containsKey(socket);
  }

  /** The connection of {@code socket} closed: its session's grace period starts. */
  public void closed(Object socket) {
    Connection connection = connections.remove(socket);
    if (connection != null) {
      withSession.remove(connection);
    }
    if (connection != null && connection.session != null) {
      connection.decided.onComplete(done -> connection.session.onSuccess(sessions::detach));
    }
  }

  private Future<Boolean> decide(BridgeEventType type, JsonObject raw, Object socket, Connection connection) {
    switch (type) {
      case SOCKET_CLOSED:
        closed(socket);
        return Future.succeededFuture(true);
      case PUBLISH:
        return Future.succeededFuture(false);
      case SEND:
        return send(raw, connection);
      case REGISTER:
        return register(raw, connection);
      case UNREGISTER:
        connection.registered.remove(address(raw));
        return Future.succeededFuture(true);
      default:
        return Future.succeededFuture(true);
    }
  }

  private Future<Boolean> send(JsonObject raw, Connection connection) {
    JsonObject headers = headers(raw, connection);
    String given = headers.getString(TOKEN);
    if (!options.isEnableCommands() || given == null || !MessageDigest.isEqual(
        given.getBytes(StandardCharsets.UTF_8), options.getToken().getBytes(StandardCharsets.UTF_8))) {
      return Future.succeededFuture(false);
    }
    headers.remove(TOKEN);
    String address = address(raw);
    if (!REGISTRY_COMMANDS.matcher(address).matches()) {
      return Future.succeededFuture(true);
    }
    raw.put("address", route(address));
    // Local-only: a send that may leave the node first asks the cluster's record of consumers where the address
    // is, and Vert.x does not keep the answer for an address that only has a local consumer.
    headers.put("timeout", COMMAND_TIMEOUT_MILLIS).put("localOnly", true);
    return session(connection).map(session -> {
      headers.put(HookRegistry.SESSION_HEADER, session.id());
      return true;
    }).otherwise(failure -> {
      // The command goes on to be answered with why it cannot run, as any refused command is: a client that sent
      // a request waits for its reply, not for a bare "blocked" frame.
      HooknetException why = HooknetException.from(failure);
      headers.remove(HookRegistry.SESSION_HEADER);
      headers.put(HookRegistry.REFUSED_HEADER, Integer.toString(why.errno()))
          .put(HookRegistry.REFUSED_MESSAGE_HEADER, why.getMessage());
      return true;
    });
  }

  private Future<Boolean> register(JsonObject raw, Connection connection) {
    headers(raw, connection);
    String address = address(raw);
    Future<Boolean> mayRegister;
    if (address.startsWith(Sessions.CLIENT_PREFIX)) {
      mayRegister = session(connection).compose(session -> sessions.claim(session, address)).map(true);
    } else if (address.startsWith(Sessions.SESSION_PREFIX)) {
      mayRegister = session(connection).map(session -> address.equals(Sessions.ownerAddress(session.id()))
          || Sessions.ownAddress(session.id(), address));
    } else {
      mayRegister = Future.succeededFuture(true);
    }
    return mayRegister.map(allowed -> allowed && connection.registered.add(address));
  }

  /** The connection's session, opened (or resumed, as the client proposed) the first time it is needed. */
  private Future<Session> session(Connection connection) {
    if (connection.session == null) {
      Future<Session> opening = sessions.open(connection.proposed, connection.close);
      connection.session = opening;
      opening.onSuccess(opened -> {
        if (connections.get(connection.socket) == connection) {
          withSession.add(connection);
        }
      });
      opening.onFailure(failure -> connection.session = null);
    }
    return connection.session;
  }

  /**
   * The message's headers, with only string values kept and none the bridges read themselves, as an object of
   * {@code raw}; the first {@code session} header a connection sends proposes its session.
   */
  private static JsonObject headers(JsonObject raw, Connection connection) {
    Object given = raw.getValue("headers");
    if (given != null && !(given instanceof JsonObject)) {
      throw HooknetException.of(Errno.EINVAL, "headers must be an object");
    }
    JsonObject headers = given == null ? new JsonObject() : (JsonObject) given;
    headers.getMap().entrySet().removeIf(header -> !(header.getValue() instanceof String)
        || BRIDGE_HEADERS.contains(header.getKey()));
    raw.put("headers", headers);
    if (connection.proposed == null) {
      connection.proposed = headers.getString(HookRegistry.SESSION_HEADER);
    }
    return headers;
  }

  private static String address(JsonObject raw) {
    Object address = raw.getValue("address");
    if (!(address instanceof String)) {
      throw HooknetException.of(Errno.EINVAL, "address must be a string");
    }
    return (String) address;
  }
}
