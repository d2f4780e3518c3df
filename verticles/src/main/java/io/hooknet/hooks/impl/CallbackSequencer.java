package io.hooknet.hooks.impl;

import io.hooknet.codec.HookEvent;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * Puts the notices for the callbacks this node registered back in {@code seq} order. Changes to one event are
 * made one at a time cluster-wide, but the nodes that made them send their notices independently, so two may
 * arrive swapped. Each callback gets its replay first and then every later change exactly once, in order.
 *
 * <p>Live notices that come before the replay is known wait for it. A gap that stays open for
 * {@code gapMillis} (its sender died between the change and the send) is skipped, with a warning, rather than
 * holding up the callback for good. Runs on one event loop.
 */
final class CallbackSequencer {

  private static final Logger LOG = Logger.getLogger(CallbackSequencer.class.getName());

  private final Vertx vertx;
  private final long gapMillis;
  private final BiConsumer<String, HookEvent> deliver;
  private final Map<String, Stream> streams = new HashMap<>();

  private static final class Stream {
    long next = -1;
    final TreeMap<Long, HookEvent> waiting = new TreeMap<>();
    long gapTimer = -1;
  }

  CallbackSequencer(Vertx vertx, long gapMillis, BiConsumer<String, HookEvent> deliver) {
    this.vertx = vertx;
    this.gapMillis = gapMillis;
    this.deliver = deliver;
  }

  /** A callback was registered as of change {@code seq}: its replay goes out now, then what came meanwhile. */
  void start(String address, long seq, List<HookEvent> replay) {
    Stream stream = streams.computeIfAbsent(address, a -> new Stream());
    replay.forEach(event -> deliver.accept(address, event));
    stream.next = seq + 1;
    stream.waiting.headMap(stream.next).clear();
    drain(address, stream);
  }

  /** A callback was unregistered: its teardown goes out and nothing more. */
  void stop(String address, List<HookEvent> teardown) {
    Stream stream = streams.remove(address);
    if (stream != null && stream.gapTimer >= 0) {
      vertx.cancelTimer(stream.gapTimer);
    }
    teardown.forEach(event -> deliver.accept(address, event));
  }

  /** A live change for a callback of this node. */
  void live(String address, HookEvent event) {
    Stream stream = streams.computeIfAbsent(address, a -> new Stream());
    if (stream.next >= 0 && event.seq() < stream.next) {
      return;
    }
    stream.waiting.put(event.seq(), event);
    drain(address, stream);
  }

  private void drain(String address, Stream stream) {
    if (stream.next < 0) {
      return;
    }
    while (!stream.waiting.isEmpty() && stream.waiting.firstKey() == stream.next) {
      deliver.accept(address, stream.waiting.pollFirstEntry().getValue());
      stream.next++;
    }
    if (stream.gapTimer >= 0) {
      vertx.cancelTimer(stream.gapTimer);
      stream.gapTimer = -1;
    }
    if (!stream.waiting.isEmpty()) {
      stream.gapTimer = vertx.setTimer(gapMillis, timer -> skipGap(address, stream));
    }
  }

  private void skipGap(String address, Stream stream) {
    stream.gapTimer = -1;
    if (streams.get(address) != stream || stream.waiting.isEmpty()) {
      return;
    }
    long resume = stream.waiting.firstKey();
    LOG.warning(() -> "callback " + address + " missed changes " + stream.next + "-" + (resume - 1)
        + " (their sender left before telling it); going on from " + resume);
    stream.next = resume;
    drain(address, stream);
  }
}
