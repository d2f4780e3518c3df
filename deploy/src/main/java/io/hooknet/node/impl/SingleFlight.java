package io.hooknet.node.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A blocking question asked off the event loop at most once at a time: whoever asks while it is being asked gets
 * that answer, and whoever asks within {@code fresh} of an answer gets that answer too; the next one asked after that
 * starts it again. For probes, which may come faster than their question is answered and must not pile up work
 * behind it, nor make the work as often as they come.
 */
final class SingleFlight<T> {

  /** An answer and when it came ({@link System#nanoTime}). */
  private record Answered<T>(Future<T> answer, long at) {
  }

  private final Vertx vertx;
  private final Callable<T> question;
  private final long freshNanos;
  private final AtomicReference<Future<T>> asking = new AtomicReference<>();
  private volatile Answered<T> last;

  /** Asked again as soon as it is answered. */
  SingleFlight(Vertx vertx, Callable<T> question) {
    this(vertx, question, Duration.ZERO);
  }

  /** A successful answer is given again for {@code fresh} after it came; a failure is not. */
  SingleFlight(Vertx vertx, Callable<T> question, Duration fresh) {
    this.vertx = vertx;
    this.question = question;
    this.freshNanos = fresh.toNanos();
  }

  /** The answer of the question being asked now, or a fresh one, or of one asked now. */
  Future<T> ask() {
    Answered<T> answered = last;
    if (answered != null && System.nanoTime() - answered.at() < freshNanos) {
      return answered.answer();
    }
    while (true) {
      Future<T> running = asking.get();
      if (running != null) {
        return running;
      }
      Promise<T> answer = Promise.promise();
      if (asking.compareAndSet(null, answer.future())) {
        vertx.executeBlocking(question, false).onComplete(done -> {
          last = done.succeeded() ? new Answered<>(answer.future(), System.nanoTime()) : null;
          asking.set(null);
          answer.handle(done);
        });
        return answer.future();
      }
    }
  }
}
