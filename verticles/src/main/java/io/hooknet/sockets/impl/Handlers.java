package io.hooknet.sockets.impl;

import io.vertx.core.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Hands a pool's events to the application's handlers. */
final class Handlers {

  private static final Logger LOG = Logger.getLogger(io.hooknet.sockets.SocketPool.class.getName());

  private Handlers() {
  }

  /**
   * Hands {@code event} to the application's {@code kind} handler of pool {@code pool} on node {@code node}, if one
   * is set; a handler that throws is logged and the pool carries on.
   */
  static <T> void tell(Handler<T> handler, T event, String kind, String pool, String node) {
    if (handler == null) {
      return;
    }
    try {
      handler.handle(event);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, e, () -> "the " + kind + " handler of pool '" + pool + "' on node '" + node
          + "' threw on " + event + "; the pool carries on");
    }
  }
}
