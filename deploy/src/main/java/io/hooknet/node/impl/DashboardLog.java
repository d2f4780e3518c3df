package io.hooknet.node.impl;

import io.hooknet.hooks.HookRegistry;
import io.hooknet.sockets.SocketPool;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the dashboard shows of the recent past, kept by each node: the last {@link #EVENTS} events it heard
 * (sock events and registry changes of the whole cluster), and per second over the last {@link #SECONDS} seconds
 * the faults by errno, the registry changes, and the mean callback lag of the deliveries this node made. Its methods
 * are synchronized: the event bus consumers and the HTTP handlers run on different event loops.
 */
final class DashboardLog {

  static final int EVENTS = 200;
  static final int SECONDS = 120;

  private final Deque<JsonObject> events = new ArrayDeque<>();
  private final Map<String, long[]> faults = new TreeMap<>();
  private final long[] changes = new long[SECONDS];
  private final Double[] lagMillis = new Double[SECONDS];
  private long currentSecond;
  private long lagCount;
  private double lagTotalMillis;

  DashboardLog(Vertx vertx) {
    currentSecond = now();
    vertx.eventBus().<JsonObject>consumer(SocketPool.SOCK_EVENTS, message -> {
      JsonObject event = message.body();
      fault(event, event.getInteger("error", 0) == 0 ? "end of read" : event.getString("errnoName", "?"));
    });
    vertx.eventBus().<JsonObject>consumer(HookRegistry.EVENTS, message -> {
      change(message.body());
    });
    vertx.setPeriodic(1_000, id -> sampleLag());
  }

  /** The last events, oldest first, each {@code {address, body}}. */
  synchronized JsonArray events() {
    roll(now());
    return new JsonArray(new ArrayList<>(events));
  }

  /** The per-second series, oldest second first, ending with the current one. */
  synchronized JsonObject series() {
    long now = now();
    roll(now);
    JsonObject byErrno = new JsonObject();
    faults.forEach((errno, counts) -> byErrno.put(errno, ordered(counts, now)));
    JsonArray lag = new JsonArray();
    for (int i = SECONDS - 1; i >= 0; i--) {
      lag.add(lagMillis[index(now - i)]);
    }
    return new JsonObject().put("seconds", SECONDS).put("now", now).put("faults", byErrno)
        .put("changes", ordered(changes, now)).put("lagMillis", lag);
  }

  private synchronized void fault(JsonObject event, String errno) {
    remember(SocketPool.SOCK_EVENTS, event);
    long now = now();
    roll(now);
    faults.computeIfAbsent(errno, key -> new long[SECONDS])[index(now)]++;
  }

  private synchronized void change(JsonObject event) {
    remember(HookRegistry.EVENTS, event);
    long now = now();
    roll(now);
    changes[index(now)]++;
  }

  private synchronized void remember(String address, JsonObject body) {
    events.addLast(new JsonObject().put("address", address).put("body", body));
    while (events.size() > EVENTS) {
      events.removeFirst();
    }
  }

  private synchronized void sampleLag() {
    long now = now();
    roll(now);
    Timer timer = Metrics.globalRegistry.find("hooknet.callback.lag").timer();
    if (timer == null) {
      return;
    }
    long count = timer.count();
    double total = timer.totalTime(TimeUnit.MILLISECONDS);
    if (count > lagCount) {
      lagMillis[index(now)] = (total - lagTotalMillis) / (count - lagCount);
    }
    lagCount = count;
    lagTotalMillis = total;
  }

  /** Clears the slots of the seconds that passed since the last call. */
  private synchronized void roll(long now) {
    for (long second = currentSecond + 1; second <= now && second <= currentSecond + SECONDS; second++) {
      int slot = index(second);
      changes[slot] = 0;
      lagMillis[slot] = null;
      faults.values().forEach(counts -> counts[slot] = 0);
    }
    currentSecond = Math.max(currentSecond, now);
  }

  private JsonArray ordered(long[] counts, long now) {
    JsonArray ordered = new JsonArray();
    for (int i = SECONDS - 1; i >= 0; i--) {
      ordered.add(counts[index(now - i)]);
    }
    return ordered;
  }

  private static int index(long second) {
    return (int) Math.floorMod(second, (long) SECONDS);
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
