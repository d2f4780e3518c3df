package io.hooknet.bridge;

import io.hooknet.codec.FrameDecoder;
import io.hooknet.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The TCP bridge's raw protocol: frames of a 4-byte big-endian length and a JSON object. */
final class TcpBridgeClient implements AutoCloseable {

  private final NetClient client;
  private final NetSocket socket;
  private final List<JsonObject> frames = new ArrayList<>();
  private final FrameDecoder decoder = new FrameDecoder(Integer.MAX_VALUE, this::frame, length -> { });

  TcpBridgeClient(Vertx vertx, int port) {
    client = vertx.createNetClient();
    socket = Await.result(client.connect(port, "127.0.0.1"));
    socket.handler(this::read);
  }

  private synchronized void read(Buffer data) {
    decoder.feed(data);
  }

  private synchronized void frame(Buffer json) {
    frames.add(new JsonObject(json));
  }

  void send(JsonObject frame) {
    Await.result(socket.write(FrameDecoder.frame(frame.toBuffer())));
  }

  void register(String address) {
    send(new JsonObject().put("type", "register").put("address", address));
  }

  /** Sends a command with a reply address and the token header (null: none). */
  void request(String address, JsonObject body, String token, String replyAddress) {
    JsonObject headers = new JsonObject();
    if (token != null) {
      headers.put("token", token);
    }
    send(new JsonObject().put("type", "send").put("address", address).put("headers", headers).put("body", body)
        .put("replyAddress", replyAddress));
  }

  synchronized List<JsonObject> frames() {
    return new ArrayList<>(frames);
  }

  /** Waits for a frame that matches and gives it. */
  JsonObject await(String what, Predicate<JsonObject> matches) {
    Await.until(what, Duration.ofSeconds(20), () -> frames().stream().anyMatch(matches));
    return frames().stream().filter(matches).findFirst().orElseThrow();
  }

  long count(Predicate<JsonObject> matches) {
    return frames().stream().filter(matches).count();
  }

  @Override
  public void close() {
    Await.result(socket.close());
    Await.result(client.close());
  }
}
