package io.hooknet.testing;

import io.hooknet.codec.FrameDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

/**
 * A plain client of a node's TCP event bus bridge, speaking its raw protocol (frames of a 4-byte big-endian length
 * and a JSON object).
 */
public final class TcpBridgeClient extends BridgeClient {

  private final NetClient client;
  private final NetSocket socket;
  private final FrameDecoder decoder = new FrameDecoder(Integer.MAX_VALUE, json -> received(new JsonObject(json)),
      length -> { });
  private volatile boolean closed;

  public TcpBridgeClient(Vertx vertx, int port) {
    this(vertx, "127.0.0.1", port, null);
  }

  /** Connects to the bridge at {@code host:port}; {@code token} goes in the headers of every frame (null: none). */
  public TcpBridgeClient(Vertx vertx, String host, int port, String token) {
    super(token);
    client = vertx.createNetClient();
    socket = Await.result(client.connect(port, host));
    socket.handler(this::read);
    socket.closeHandler(v -> closed = true);
  }

  @Override
  public TcpBridgeClient session(String id) {
    super.session(id);
    return this;
  }

  private synchronized void read(Buffer data) {
    decoder.feed(data);
  }

  @Override
  public void send(JsonObject frame) {
    Await.result(socket.write(FrameDecoder.frame(frame.toBuffer())));
  }

  @Override
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
