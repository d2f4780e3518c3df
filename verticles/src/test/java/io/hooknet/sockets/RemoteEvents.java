package io.hooknet.sockets;

import io.hooknet.codec.Json;
import io.hooknet.codec.SockEvent;
import io.hooknet.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A consumer of {@value SocketPool#SOCK_EVENTS} on one cluster node. {@link #awaitReachableFrom} waits until a
 * publisher on another node reaches it, since a new subscription takes a moment to be seen cluster-wide.
 */
final class RemoteEvents {

  private final List<SockEvent> events = new ArrayList<>();
  private final AtomicBoolean probed = new AtomicBoolean();
  private final MessageConsumer<Object> consumer;

  RemoteEvents(Vertx node) {
    consumer = node.eventBus().consumer(SocketPool.SOCK_EVENTS, message -> {
      JsonObject body = (JsonObject) message.body();
      if (!body.containsKey("probe")) {
        SockEvent event = Json.fromJson(body, SockEvent.class);
        synchronized (this) {
          events.add(event);
        }
      } else {
        probed.set(true);
      }
    });
    Await.result(consumer.completion());
  }

  /** Publishes probes (JSON, not events) from {@code publisher} until every consumer has had one. */
  static void awaitReachableFrom(Vertx publisher, RemoteEvents... consumers) {
    Await.until("the consumers to be reachable", Await.DEFAULT, () -> {
      publisher.eventBus().publish(SocketPool.SOCK_EVENTS, new JsonObject().put("probe", true));
      for (RemoteEvents consumer : consumers) {
        if (!consumer.probed.get()) {
          return false;
        }
      }
      return true;
    });
  }

  synchronized List<SockEvent> all() {
    return new ArrayList<>(events);
  }

  synchronized int count() {
    return events.size();
  }

  List<SockEvent> await(int count, Duration timeout) {
    Await.until(count + " remote sock events", timeout, () -> count() >= count);
    return all();
  }
}
