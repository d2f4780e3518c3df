package io.hooknet.bridge.impl;

import io.hooknet.codec.FrameDecoder;
import io.hooknet.metrics.HooknetMeters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The public side of the TCP bridge. The Vert.x TCP bridge ignores frames it cannot read (bad JSON, unknown
 * types, absurd lengths) without a word, so clients face this guard instead. It checks each frame and passes
 * good ones to the bridge on a private Unix domain socket, one connection per client. A frame over 1 MiB,
 * invalid JSON or anything but a JSON object gets an {@code err} frame and the connection is closed; an unknown
 * {@code type}, an {@code address} or {@code replyAddress} that is no string, or {@code headers} that are no
 * object get an {@code err} frame and the connection goes on. The bridge reads a frame's address before it asks
 * the policy, so the guard also routes each {@code send} (a registry command goes to this node). Bridge output
 * goes back through a pipe, so a slow client pushes back instead of filling memory.
 */
public final class TcpFrameGuard {

  /** The largest frame a client may send. */
  public static final int MAX_FRAME = 1 << 20;
  private static final Set<String> TYPES = Set.of("send", "publish", "register", "unregister", "ping");

  private final Vertx vertx;
  private final SocketAddress bridge;
  private final UnaryOperator<String> route;
  private NetServer server;
  private NetClient client;

  public TcpFrameGuard(Vertx vertx, SocketAddress bridge, UnaryOperator<String> route) {
    this.vertx = vertx;
    this.bridge = bridge;
    this.route = route;
  }

  /** Listens on {@code host:port} with {@code options} (TLS among them). */
  public Future<NetServer> listen(int port, String host, NetServerOptions options) {
    client = vertx.createNetClient();
    server = vertx.createNetServer(options).connectHandler(this::accept);
    return server.listen(port, host);
  }

  public Future<Void> close() {
    return Future.join(server.close(), client.close()).mapEmpty();
  }

  private void accept(NetSocket outside) {
    outside.pause();
    client.connect(bridge).onComplete(connected -> {
      if (connected.failed()) {
        outside.close();
        return;
      }
      NetSocket inside = connected.result();
      inside.pipeTo(outside);
      outside.closeHandler(closed -> inside.close());
      Checker checker = new Checker(outside, inside, route);
      outside.handler(checker::feed);
      outside.resume();
    });
  }

  /** Splits the client's stream into frames and lets through the good ones. */
  private static final class Checker {
    private final NetSocket outside;
    private final NetSocket inside;
    private final UnaryOperator<String> route;
    private final FrameDecoder decoder;
    private boolean closed;

    Checker(NetSocket outside, NetSocket inside, UnaryOperator<String> route) {
      this.outside = outside;
      this.inside = inside;
      this.route = route;
      this.decoder = new FrameDecoder(MAX_FRAME, this::check, length -> refuse("frame_too_large", true));
    }

    void feed(Buffer data) {
      if (!closed) {
        decoder.feed(data);
      }
    }

    private void check(Buffer payload) {
      if (closed) {
        return;
      }
      Object parsed;
      try {
        parsed = payload.toJsonValue();
      } catch (DecodeException | IllegalStateException e) {
        refuse("invalid_json", true);
        return;
      }
      if (!(parsed instanceof JsonObject)) {
        refuse("invalid_json", true);
        return;
      }
      JsonObject frame = (JsonObject) parsed;
      Object type = frame.getValue("type");
      if (!(type instanceof String) || !TYPES.contains(type)) {
        refuse("unknown_type", false);
        return;
      }
      if (!isString(frame, "address") || !isString(frame, "replyAddress")
          || frame.getValue("headers") != null && !(frame.getValue("headers") instanceof JsonObject)) {
        refuse("invalid_frame", false);
        return;
      }
      String address = frame.getString("address");
      if ("send".equals(type) && address != null && !address.equals(route.apply(address))) {
        inside.write(FrameDecoder.frame(frame.put("address", route.apply(address)).toBuffer()));
      } else {
        inside.write(FrameDecoder.frame(payload));
      }
    }

    private static boolean isString(JsonObject frame, String field) {
      Object value = frame.getValue(field);
      return value == null || value instanceof String;
    }

    private void refuse(String message, boolean close) {
      if (closed) {
        return;
      }
      HooknetMeters.refused("tcp", message);
      outside.write(FrameDecoder.frame(new JsonObject().put("type", "err").put("message", message).toBuffer()));
      if (close) {
        closed = true;
        outside.close();
      }
    }
  }
}
