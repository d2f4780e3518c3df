package io.hooknet.node.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A blocking question asked off the event loop at most once at a time: whoever asks while it is being asked gets
 * that answer, and the next one asked after it is answered starts it again. For probes, which may come faster than
 * their question is answered and must not pile up work behind it.
 */
final class SingleFlight<T> {

  private final Vertx vertx;
  private final Callable<T> question;
  private final AtomicReference<Future<T>> asking = new AtomicReference<>();

  SingleFlight(Vertx vertx, Callable<T> question) {
    this.vertx = vertx;
    this.question = question;
  }

  /** The answer of the question being asked now, or of one asked now. */
  Future<T> ask() {
    while (true) {
      Future<T> running = asking.get();
      if (running != null) {
        return running;
      }
      Promise<T> answer = Promise.promise();
      if (asking.compareAndSet(null, answer.future())) {
        vertx.executeBlocking(question, false).onComplete(done -> {
          asking.set(null);
          answer.handle(done);
        });
        return answer.future();
      }
    }
  }
}
