package io.hooknet.sockets;

import io.hooknet.codec.Replies.ChannelStats;
import io.hooknet.testing.Await;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.UUID;

/** A pool verticle on a plain Vert.x under a unique node name, with socket pairs to add to it. */
final class LocalPool implements AutoCloseable {

  final Vertx vertx;
  final String node;
  final SocketPoolVerticle verticle;
  final SocketPool pool;
  final Peers peers;

  LocalPool(String prefix, SocketPoolOptions... options) {
    vertx = Vertx.vertx();
    node = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    verticle = new SocketPoolVerticle(node, options);
    Await.result(vertx.deployVerticle(verticle));
    pool = verticle.pool();
    peers = new Peers(vertx);
  }

  /** A channel's counters, all 0 when the pool has none for it yet. */
  static ChannelStats stats(SocketPool pool, int channel) {
    return Await.result(pool.stats()).channels().stream().filter(c -> c.channel() == channel).findFirst()
        .orElse(new ChannelStats(channel, 0, 0, 0, 0, 0, 0, null));
  }

  @Override
  public void close() throws IOException {
    try {
      peers.close();
    } finally {
      Await.result(vertx.close());
    }
  }
}
