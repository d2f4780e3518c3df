package io.hooknet.sockets;

import io.hooknet.codec.SockEvent;
import io.hooknet.testing.Await;
import io.vertx.core.Handler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A sock-notify handler that runs an optional action (remove, replace, throw) and then records the event, so
 * that a test that has seen an event also sees what the action did.
 */
final class Events implements Handler<SockEvent> {

  private final List<SockEvent> events = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile Consumer<SockEvent> action = event -> { };

  /** What the handler does after recording an event. */
  Events then(Consumer<SockEvent> action) {
    this.action = action;
    return this;
  }

  @Override
  public void handle(SockEvent event) {
    try {
      action.accept(event);
    } finally {
      synchronized (this) {
        events.add(event);
        threads.add(Thread.currentThread());
      }
    }
  }

  synchronized List<SockEvent> all() {
    return new ArrayList<>(events);
  }

  synchronized List<Thread> threads() {
    return new ArrayList<>(threads);
  }

  synchronized int count() {
    return events.size();
  }

  /** Waits until {@code count} events have come and returns them. */
  List<SockEvent> await(int count) {
    Await.until(count + " sock events", Duration.ofSeconds(20), () -> count() >= count);
    return all();
  }
}
