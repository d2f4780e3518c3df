package io.hooknet.bridge.impl;

import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.sockets.SocketPool;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * What bridged clients may do, the same for the TCP and the SockJS bridge. Deny by default. Clients may listen
 * to {@code hooknet.hooks.events}, {@code hooknet.sock.events} and their own {@code hooknet.client.…} addresses.
 * With commands enabled they may also send (never publish) to the registry and pool command addresses, each
 * message carrying the token in its {@code token} header, which is removed before the message goes on.
 *
 * <p>Per client it keeps the addresses registered, so a second {@code register} of one address is refused
 * instead of leaking a consumer, and the callbacks it registered, so they are unregistered (with their
 * teardown) when it goes. Runs on the bridge's event loop.
 */
public final class BridgePolicy {

  private static final Logger LOG = Logger.getLogger(BridgePolicy.class.getName());
  private static final String TOKEN = "token";

  private final Vertx vertx;
  private final HooknetBridgeOptions options;
  private final Map<Object, Client> clients = new IdentityHashMap<>();

  private static final class Client {
    final Set<String> registered = new HashSet<>();
    /** notify registrations to undo: key family/event/address, value the unregister request and its address. */
    final Map<String, JsonObject[]> callbacks = new HashMap<>();
  }

  public BridgePolicy(Vertx vertx, HooknetBridgeOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /** The addresses the bridges let through, before the checks of {@link #allow}. */
  public <T extends BridgeOptions> T permitted(T bridge) {
    bridge.addOutboundPermitted(new PermittedOptions().setAddress(HookRegistry.EVENTS))
        .addOutboundPermitted(new PermittedOptions().setAddress(SocketPool.SOCK_EVENTS))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex("hooknet\\.client\\.[^ ]+"));
    if (options.isEnableCommands()) {
      bridge.addInboundPermitted(new PermittedOptions().setAddress(HookRegistry.COMMANDS))
          .addInboundPermitted(new PermittedOptions().setAddressRegex("hooknet\\.hooks\\.[A-Za-z0-9._-]+\\.cmd"))
          .addInboundPermitted(new PermittedOptions().setAddressRegex("hooknet\\.pool\\.[A-Za-z0-9._-]+\\.cmd"));
    }
    return bridge;
  }

  /** Whether a bridge event may go ahead; may strip the token from {@code raw}. */
  public boolean allow(BridgeEventType type, JsonObject raw, Object socket) {
    switch (type) {
      case SOCKET_CLOSED:
        closed(socket);
        return true;
      case PUBLISH:
        return false;
      case SEND:
        return command(raw, socket);
      case REGISTER:
        return client(socket).registered.add(raw.getString("address"));
      case UNREGISTER:
        client(socket).registered.remove(raw.getString("address"));
        return true;
      default:
        return true;
    }
  }

  private boolean command(JsonObject raw, Object socket) {
    JsonObject headers = raw.getJsonObject("headers");
    String given = headers == null ? null : headers.getString(TOKEN);
    if (!options.isEnableCommands() || given == null || !MessageDigest.isEqual(
        given.getBytes(StandardCharsets.UTF_8), options.getToken().getBytes(StandardCharsets.UTF_8))) {
      return false;
    }
    headers.remove(TOKEN);
    remember(raw.getString("address"), raw.getValue("body"), client(socket));
    return true;
  }

  /** Keeps the callbacks a client registers, so that they can be unregistered when it goes. */
  private static void remember(String address, Object body, Client client) {
    if (!(body instanceof JsonObject)) {
      return;
    }
    JsonObject command = (JsonObject) body;
    String op = command.getString("op", "");
    String key = command.getString("family") + "/" + command.getString("event") + "/" + command.getString("address");
    if (op.equals("notify.register") || op.equals("protocol.notify.register")) {
      JsonObject undo = command.copy().put("op", op.replace(".register", ".unregister"));
      client.callbacks.put(key, new JsonObject[] {new JsonObject().put("address", address), undo});
    } else if (op.equals("notify.unregister") || op.equals("protocol.notify.unregister")) {
      client.callbacks.remove(key);
    }
  }

  /**
   * Whether {@code socket} is a client not seen before. The TCP bridge emits no {@code SOCKET_CLOSED}, so its
   * caller watches a new socket's close and calls {@link #closed}.
   */
  public boolean isNew(Object socket) {
    return !clients.containsKey(socket);
  }

  /** A client went: its callbacks are unregistered, which tells each of them its teardown. */
  public void closed(Object socket) {
    Client client = clients.remove(socket);
    if (client == null) {
      return;
    }
    List<JsonObject[]> undo = new ArrayList<>(client.callbacks.values());
    for (JsonObject[] request : undo) {
      String address = request[0].getString("address");
      vertx.eventBus().request(address, request[1], new DeliveryOptions()).onFailure(failure ->
          LOG.fine(() -> "unregistering " + request[1] + " after its client left: " + failure.getMessage()));
    }
  }

  private Client client(Object socket) {
    return clients.computeIfAbsent(socket, s -> new Client());
  }
}
