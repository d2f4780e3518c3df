package io.hooknet.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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

  private final Context context;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();

  private PublishRoutes(Context context) {
    this.context = context;
  }

  /**
   * Keeps the routes of {@code addresses} known on {@code vertx}'s event bus until {@link #release}; called on the
   * context that publishes to them, which takes (and drops) what the consumers get.
   */
  public static PublishRoutes keep(Vertx vertx, String... addresses) {
    PublishRoutes routes = new PublishRoutes(vertx.getOrCreateContext());
    for (String address : addresses) {
      routes.consumers.add(vertx.eventBus().localConsumer(address, message -> {
      }));
    }
    return routes;
  }

  /** Completes once every consumer is registered. */
  Future<Void> consumersReady() {
    List<Future<Void>> ready = new ArrayList<>();
    consumers.forEach(consumer -> ready.add(consumer.completion()));
    return Future.all(ready).mapEmpty();
  }

  /**
   * Lets the routes go once what was published before is taken: a busy node has many messages queued for its own
   * consumers, and each one that found its consumer gone would be logged as discarded.
   */
  public Future<Void> release() {
    Promise<Void> released = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Void>> unregistered = new ArrayList<>();
      consumers.forEach(consumer -> unregistered.add(consumer.unregister()));
      Future.join(unregistered).<Void>mapEmpty().onComplete(released);
    });
    return released.future();
  }
}
