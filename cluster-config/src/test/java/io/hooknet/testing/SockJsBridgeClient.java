package io.hooknet.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A plain client of a node's SockJS event bus bridge over SockJS's WebSocket transport, as a browser's SockJS
 * client uses it: {@code /eventbus/<server>/<session>/websocket}, where the server opens with {@code o}, sends
 * heartbeats {@code h}, messages as arrays {@code a[...]} of JSON strings and closes with {@code c[...]}, and the
 * client sends arrays of JSON strings. The bridge's {@code rec} frames and failed replies ({@code err} with a
 * {@code failureCode}) are kept as {@code message} frames, the TCP bridge's shape, so that both clients read alike.
 */
public final class SockJsBridgeClient extends BridgeClient {

  /** How often it pings, as the bridge's JavaScript client does: the bridge closes a socket silent too long. */
  private static final long PING_MILLIS = 5_000;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final long pinger;
  private final WebSocket socket;
  private volatile boolean closed;

  /** Connects to the SockJS bridge at {@code http://host:port/eventbus}; {@code token} as for the TCP bridge. */
  public SockJsBridgeClient(Vertx vertx, String host, int port, String token) {
    super(token);
    this.vertx = vertx;
    client = vertx.createWebSocketClient();
    String path = "/eventbus/" + ThreadLocalRandom.current().nextInt(1000) + "/" + UUID.randomUUID() + "/websocket";
    socket = Await.result(client.connect(port, host, path));
    socket.textMessageHandler(this::read);
    socket.closeHandler(v -> closed = true);
    pinger = vertx.setPeriodic(PING_MILLIS, id -> {
      if (!closed) {
        socket.writeTextMessage(new JsonArray().add(new JsonObject().put("type", "ping").encode()).encode());
      }
    });
  }

  @Override
  public SockJsBridgeClient session(String id) {
    super.session(id);
    return this;
  }

  private void read(String frame) {
    if (frame.startsWith("a")) {
      for (Object message : new JsonArray(frame.substring(1))) {
        JsonObject json = new JsonObject((String) message);
        if ("rec".equals(json.getString("type")) || json.containsKey("failureCode")) {
          json.put("type", "message");
        }
        received(json);
      }
    } else if (frame.startsWith("c")) {
      socket.close();
    }
  }

  @Override
  public void send(JsonObject frame) {
    Await.result(socket.writeTextMessage(new JsonArray().add(frame.encode()).encode()));
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    vertx.cancelTimer(pinger);
    if (!closed) {
      Await.result(socket.close());
    }
    Await.result(client.close());
  }
}
