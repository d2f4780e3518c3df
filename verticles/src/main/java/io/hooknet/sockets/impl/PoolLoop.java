package io.hooknet.sockets.impl;

import io.hooknet.codec.HooknetException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.function.Supplier;

/**
 * The event loop a pool lives on. Work given from that loop runs at once, so a sock-notify handler's calls take
 * effect before they return; work from other threads is queued to the loop in order.
 */
final class PoolLoop {

  private final Context context;
  private final Thread thread;

  /** The loop of the calling thread, which must be a Vert.x event loop. */
  PoolLoop(Vertx vertx) {
    context = vertx.getOrCreateContext();
    if (!context.isEventLoopContext() || !Context.isOnEventLoopThread()) {
      throw new IllegalStateException("a socket pool must be made on an event loop");
    }
    thread = Thread.currentThread();
  }

  void run(Runnable action) {
    if (Thread.currentThread() == thread) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  <T> Future<T> call(Supplier<T> action) {
    return callAsync(() -> Future.succeededFuture(action.get()));
  }

  /**
   * Runs {@code action} on the loop and gives its future, which completes on the caller's context (a verticle of
   * the application goes on with the answer on its own event loop, not on the pool's beside it).
   */
  <T> Future<T> callAsync(Supplier<Future<T>> action) {
    if (Thread.currentThread() == thread) {
      return attempt(action);
    }
    ContextInternal caller = ContextInternal.current();
    Promise<T> promise = caller == null ? Promise.promise() : caller.promise();
    context.runOnContext(v -> attempt(action).onComplete(promise));
    return promise.future();
  }

  private static <T> Future<T> attempt(Supplier<Future<T>> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(HooknetException.from(e));
    }
  }
}
