package io.hooknet.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
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
 */
public final class PublishRoutes {

  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();

  /** Keeps the routes of {@code addresses} known on {@code vertx}'s event bus until {@link #release}. */
  public static PublishRoutes keep(Vertx vertx, String... addresses) {
    PublishRoutes routes = new PublishRoutes();
    for (String address : addresses) {
      routes.consumers.add(vertx.eventBus().localConsumer(address, message -> {
      }));
    }
    return routes;
  }

  /** Lets the routes go. */
  public Future<Void> release() {
    List<Future<Void>> released = new ArrayList<>();
    consumers.forEach(consumer -> released.add(consumer.unregister()));
    return Future.join(released).mapEmpty();
  }
}
