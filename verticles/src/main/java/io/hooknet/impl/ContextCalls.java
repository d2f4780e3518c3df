package io.hooknet.impl;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.function.Supplier;

/**
 * Calls into state that one event loop keeps (the registry's maps and sessions, a socket pool's sockets), made from
 * any thread: run at once on that loop's thread, carried onto it from elsewhere, and answered on the caller's
 * context, as Vert.x's own APIs answer. A bridge or a verticle of the application goes on with the answer on its
 * own event loop, never on the keeper's thread beside its own.
 */
public final class ContextCalls {

  private ContextCalls() {
  }

  /** Runs {@code call} on {@code home}'s thread; its answer completes on the caller's context (when it has one). */
  public static <T> Future<T> call(Context home, Supplier<Future<T>> call) {
    ContextInternal keeper = (ContextInternal) home;
    if (keeper.inThread()) {
      return call.get();
    }
    ContextInternal caller = ContextInternal.current();
    Promise<T> answer = caller == null ? Promise.promise() : caller.promise();
    keeper.runOnContext(v -> {
      try {
        call.get().onComplete(answer);
      } catch (RuntimeException e) {
        answer.fail(e);
      }
    });
    return answer.future();
  }

  /** Runs {@code action} on {@code home}'s thread: at once when called there, later from elsewhere. */
  public static void run(Context home, Runnable action) {
    if (((ContextInternal) home).inThread()) {
      action.run();
    } else {
      home.runOnContext(v -> action.run());
    }
  }

  /**
   * {@code action}, to be run on the calling context whichever thread runs it (itself outside Vert.x): always
   * queued there, so that it never runs inside the code that asks for it.
   */
  public static Runnable onCallersContext(Runnable action) {
    Context here = Vertx.currentContext();
    return here == null ? action : () -> here.runOnContext(v -> action.run());
  }
}
