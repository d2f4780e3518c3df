package io.hooknet.sockets.impl;

import io.hooknet.codec.HooknetException;
import io.hooknet.impl.ContextCalls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * The event loop a pool lives on. Work given from that loop runs at once, so a sock-notify handler's calls take
 * effect before they return; work from other threads is queued to the loop in order.
 */
final class PoolLoop {

  private final Context context;

  /** The loop of the calling thread, which must be a Vert.x event loop. */
  PoolLoop(Vertx vertx) {
    context = vertx.getOrCreateContext();
    if (!context.isEventLoopContext() || !Context.isOnEventLoopThread()) {
      throw new IllegalStateException("a socket pool must be made on an event loop");
    }
  }

  void run(Runnable action) {
    ContextCalls.run(context, action);
  }

  <T> Future<T> call(Supplier<T> action) {
    return callAsync(() -> Future.succeededFuture(action.get()));
  }

  /** Runs {@code action} on the loop and gives its future, which completes on the caller's context. */
  <T> Future<T> callAsync(Supplier<Future<T>> action) {
    return ContextCalls.call(context, () -> attempt(action));
  }

  private static <T> Future<T> attempt(Supplier<Future<T>> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(HooknetException.from(e));
    }
  }
}
