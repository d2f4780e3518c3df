package io.hooknet.testing;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A plain client of a node's event bus bridge, as any polyglot client would be: it sends the bridge's JSON frames
 * ({@code register}, {@code send} with a reply address), can carry a token and a session id in the headers of every
 * frame, and keeps every frame it receives in the TCP bridge's shape ({@code type} {@code message} for a message or
 * a reply). {@link TcpBridgeClient} speaks the TCP bridge's framing, {@link SockJsBridgeClient} SockJS's.
 */
public abstract class BridgeClient implements AutoCloseable {

  private final List<JsonObject> frames = new ArrayList<>();
  private final String token;
  private String session;

  protected BridgeClient(String token) {
    this.token = token;
  }

  /** Sends one frame as the transport frames it. */
  public abstract void send(JsonObject frame);

  public abstract boolean isClosed();

  @Override
  public abstract void close();

  /** Keeps a frame the bridge sent. */
  protected final synchronized void received(JsonObject frame) {
    frames.add(frame);
  }

  /** Proposes session {@code id} in the headers of every frame from now on. */
  public BridgeClient session(String id) {
    this.session = id;
    return this;
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
    // A bare UUID: the SockJS bridge refuses reply addresses longer than 36 characters.
    String replyAddress = UUID.randomUUID().toString();
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
}
