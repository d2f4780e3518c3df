package io.hooknet.sockets.impl;

import io.hooknet.cluster.OrderedThread;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes a pool's events to one address, in the order given, from the pool's loop. An event on its own goes out
 * at once. Events in a burst (one within {@value #BURST_MICROS} us of the one before) are handed to a publishing
 * thread of the pool's own, and so is every event given while some are still waiting there.
 *
 * <p>Vert.x writes a message given on the event loop of the connection it leaves by at once, one write to the
 * socket for each, and gathers the messages given from other threads into one write. A pool's loop may be the one a
 * connection to another member lives on: a burst published from it made a write to the socket per event and per
 * member, and the pool's events per second fell to three quarters of those published from another thread.
 *
 * <p>The thread is started for a burst and ends after a second with nothing to publish.
 */
final class EventPublisher {

  static final long BURST_MICROS = 100;

  private final EventBus bus;
  private final String address;
  /** Events handed to the thread and not published yet: while any are, later ones go the same way. */
  private final AtomicInteger waiting = new AtomicInteger();
  private final ExecutorService thread;
  private long last = Long.MIN_VALUE / 2;

  EventPublisher(EventBus bus, String address, String threadName) {
    this.bus = bus;
    this.address = address;
    this.thread = OrderedThread.named(threadName);
  }

  /** Publishes {@code event}; called on the pool's loop. */
  void publish(JsonObject event) {
    long now = System.nanoTime();
    boolean burst = now - last < TimeUnit.MICROSECONDS.toNanos(BURST_MICROS);
    last = now;
    if (!burst && waiting.get() == 0) {
      bus.publish(address, event);
      return;
    }
    waiting.incrementAndGet();
    thread.execute(() -> {
      try {
        bus.publish(address, event);
      } catch (RuntimeException e) {
        // Vert.x closing under a burst: what is left is not published, as from the loop.
        SocketPoolImpl.LOG.fine(() -> "an event to " + address + " was not published: " + e);
      } finally {
        waiting.decrementAndGet();
      }
    });
  }
}
