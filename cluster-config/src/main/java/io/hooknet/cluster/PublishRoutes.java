package io.hooknet.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.impl.MessageConsumerImpl;
import java.util.ArrayList;
import java.util.List;

/**
 * The routes of the addresses a node publishes to whether or not anyone listens (the registry's changes, the pools'
 * faults and links), kept known. The clustered event bus remembers, per address, which members have consumers,
 * but forgets an address that has none: every message to an address nobody in the cluster listens to asks the
 * cluster's record of consumers again, a hop to a worker thread and a read of a Hazelcast multimap that another
 * member may hold, for each message. A node keeps a consumer of its own on each such address, local to the node,
 * so that the route stays known; the event bus updates it as other members' consumers come and go, and the local
 * consumer drops what it gets.
 *
 * <p>A busy node has many messages on their way to its own consumers when it stops, some of them still waiting for
 * the cluster's record of consumers, and Vert.x logs every message that finds its consumer gone as discarded. The
 * consumers here drop those silently too, through the discard handler of Vert.x's consumer implementation.
 */
public final class PublishRoutes {

  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();

  private PublishRoutes() {
  }

  /**
   * Keeps the routes of {@code addresses} known on {@code vertx}'s event bus until {@link #release}; called on the
   * context that publishes to them, which then takes (and drops) what the consumers get.
   */
  public static PublishRoutes keep(Vertx vertx, String... addresses) {
    PublishRoutes routes = new PublishRoutes();
    for (String address : addresses) {
      MessageConsumer<Object> consumer = vertx.eventBus().localConsumer(address, message -> {
      });
      if (consumer instanceof MessageConsumerImpl<Object> impl) {
        impl.discardHandler(message -> {
        });
      }
      routes.consumers.add(consumer);
    }
    return routes;
  }

  /** Completes once every consumer is registered. */
  Future<Void> consumersReady() {
    List<Future<Void>> ready = new ArrayList<>();
    consumers.forEach(consumer -> ready.add(consumer.completion()));
    return Future.all(ready).mapEmpty();
  }

  /** Lets the routes go; what is still on its way to the consumers is dropped without a word. */
  public Future<Void> release() {
    List<Future<Void>> unregistered = new ArrayList<>();
    consumers.forEach(consumer -> unregistered.add(consumer.unregister()));
    return Future.join(unregistered).mapEmpty();
  }
}
