package io.hooknet.hooks.impl;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import java.util.function.Supplier;

/**
 * Calls into state that one context keeps (the registry's maps, its sessions), made from any context: carried onto
 * the keeping context, and answered on the caller's, as Vert.x's own APIs answer. A bridge or a verticle of the
 * application that calls the registry goes on with the answer on its own event loop, never on the registry's thread
 * beside its own.
 */
final class ContextCalls {

  private ContextCalls() {
  }

  /** Runs {@code call} on {@code home}; its answer completes on the caller's context (when it has one). */
  static <T> Future<T> on(Context home, Supplier<Future<T>> call) {
    ContextInternal caller = ContextInternal.current();
    ContextInternal keeper = (ContextInternal) home;
    if (caller != null && caller.unwrap() == keeper.unwrap() && caller.inThread()) {
      return call.get();
    }
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
}
