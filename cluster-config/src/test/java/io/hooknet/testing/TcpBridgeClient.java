package io.hooknet.testing;

import io.hooknet.codec.FrameDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A plain client of a node's TCP event bus bridge, speaking its raw protocol (frames of a 4-byte big-endian length
 * and a JSON object), as any polyglot client would. It can carry a token and a session id in the headers of every
 * frame it sends, and keeps every frame it receives.
 */
public final class TcpBridgeClient implements AutoCloseable {

  private final NetClient client;
  private final NetSocket socket;
  private final List<JsonObject> frames = new ArrayList<>();
  private final FrameDecoder decoder = new FrameDecoder(Integer.MAX_VALUE, this::frame, length -> { });
  private final String token;
  private String session;
  private volatile boolean closed;

  public TcpBridgeClient(Vertx vertx, int port) {
    this(vertx, "127.0.0.1", port, null);
  }

  /** Connects to the bridge at {@code host:port}; {@code token} goes in the headers of every frame (null: none). */
  public TcpBridgeClient(Vertx vertx, String host, int port, String token) {
    this.token = token;
    client = vertx.createNetClient();
    socket = Await.result(client.connect(port, host));
    socket.handler(this::read);
    socket.closeHandler(v -> closed = true);
  }

  /** Proposes session {@code id} in the headers of every frame from now on. */
  public TcpBridgeClient session(String id) {
    this.session = id;
    return this;
  }

  private synchronized void read(Buffer data) {
    decoder.feed(data);
  }

  private synchronized void frame(Buffer json) {
    frames.add(new JsonObject(json));
  }

  public void send(JsonObject frame) {
    Await.result(socket.write(FrameDecoder.frame(frame.toBuffer())));
  }

  /** The headers every frame carries: the token and the session, where set. */
  public JsonObject headers() {
    JsonObject headers = new JsonObject();
    if (token != null) {
      headers.put("token", token);
    }
    if (session != null) {
      headers.put("session", session);
    }
    return headers;
  }

  public void register(String address) {
    send(new JsonObject().put("type", "register").put("address", address).put("headers", headers()));
  }

  public void unregister(String address) {
    send(new JsonObject().put("type", "unregister").put("address", address).put("headers", headers()));
  }

  /** Sends a request with a new reply address and gives that address. */
  public String sendRequest(String address, Object body) {
    String replyAddress = "reply." + UUID.randomUUID();
    send(new JsonObject().put("type", "send").put("address", address).put("headers", headers()).put("body", body)
        .put("replyAddress", replyAddress));
    return replyAddress;
  }

  /** Sends a request and waits for the reply frame: {@code body} on success, {@code failureCode} on failure. */
  public JsonObject request(String address, Object body) {
    String replyAddress = sendRequest(address, body);
    return await("the reply to " + body, frame -> replyAddress.equals(frame.getString("address")));
  }

  /** The body of a successful reply; fails the test with the reply when it is a failure. */
  public JsonObject ok(String address, Object body) {
    JsonObject reply = request(address, body);
    if (reply.containsKey("failureCode")) {
      throw new AssertionError(body + " failed: " + reply);
    }
    return reply.getJsonObject("body");
  }

  public synchronized List<JsonObject> frames() {
    return new ArrayList<>(frames);
  }

  /** The bodies of the messages received at {@code address}, in order. */
  public List<JsonObject> messages(String address) {
    return frames().stream().filter(frame -> "message".equals(frame.getString("type"))
        && address.equals(frame.getString("address"))).map(frame -> frame.getJsonObject("body"))
        .collect(Collectors.toList());
  }

  /** Waits until {@code address} has received {@code count} messages and gives them. */
  public List<JsonObject> awaitMessages(String address, int count) {
    Await.until(count + " messages at " + address, Duration.ofSeconds(20),
        () -> messages(address).size() >= count);
    return messages(address);
  }

  /** Waits for a frame that matches and gives it. */
  public JsonObject await(String what, Predicate<JsonObject> matches) {
    Await.until(what, Duration.ofSeconds(20), () -> frames().stream().anyMatch(matches));
    return frames().stream().filter(matches).findFirst().orElseThrow();
  }

  public long count(Predicate<JsonObject> matches) {
    return frames().stream().filter(matches).count();
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (!closed) {
      Await.result(socket.close());
    }
    Await.result(client.close());
  }
}
