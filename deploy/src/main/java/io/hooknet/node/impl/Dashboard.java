package io.hooknet.node.impl;

import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.HooknetMessage;
import io.hooknet.codec.Json;
import io.hooknet.codec.PoolCommand;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.sockets.SocketPool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's dashboard at {@code /}: a page that shows the cluster's members, each node's pool sockets and the
 * hook chains from {@code GET /api/state}, and the live event stream over the SockJS bridge. The state is read
 * with the same operations bridged clients use, without needing the command token (it is read-only).
 */
public final class Dashboard {

  private static final DeliveryOptions ASK = new DeliveryOptions().setSendTimeout(2_000);

  private Dashboard() {
  }

  /** Mounts the dashboard; {@code ready} are the node's readiness checks, which every member's dashboard shows. */
  public static void mount(Router router, HooknetCluster cluster, HealthChecks ready) {
    DashboardLog log = new DashboardLog(cluster.vertx());
    cluster.vertx().eventBus().consumer(healthAddress(cluster.nodeName()),
        message -> ready.checkStatus().onComplete(checked -> message.reply(checked.succeeded()
            ? checked.result().toJson() : new JsonObject().put("status", "DOWN"))));
    router.get("/api/events").handler(request -> request.json(log.events()));
    router.get("/api/series").handler(request -> request.json(log.series()));
    router.get("/api/state").handler(request -> state(cluster).onComplete(state -> {
      if (state.succeeded()) {
        request.json(state.result());
      } else {
        request.response().setStatusCode(500).end(String.valueOf(state.cause().getMessage()));
      }
    }));
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route("/*").handler(StaticHandler.create("dashboard"));
  }

  static Future<JsonObject> state(HooknetCluster cluster) {
    Vertx vertx = cluster.vertx();
    JsonArray members = new JsonArray();
    List<Future<JsonObject>> pools = new ArrayList<>();
    List<Future<JsonObject>> health = new ArrayList<>();
    for (HooknetCluster.Member member : cluster.members()) {
      JsonObject entry = new JsonObject().put("node", member.nodeName()).put("address", member.address())
          .put("local", member.local());
      members.add(entry);
      health.add(vertx.eventBus().<JsonObject>request(healthAddress(member.nodeName()), null, ASK)
          .map(reply -> reply.body()).otherwise(new JsonObject().put("status", "UNKNOWN"))
          .onSuccess(status -> entry.put("health", status.getString("status"))
              .put("checks", status.getJsonArray("checks", new JsonArray()))));
      pools.add(ask(vertx, SocketPool.commandAddress(member.nodeName()), new PoolCommand.ListSockets(null))
          .recover(failure -> Future.succeededFuture(new JsonObject().put("node", member.nodeName())
              .put("error", HooknetException.from(failure).getMessage()))));
    }
    Future<JsonObject> hooks = ask(vertx, HookRegistry.COMMANDS, new HookCommand.ListHooks(null, null));
    return Future.all(Future.join(pools), hooks, Future.join(health)).map(done -> {
      JsonArray poolStates = new JsonArray();
      pools.forEach(pool -> poolStates.add(pool.result()));
      return new JsonObject().put("node", cluster.nodeName()).put("cluster", cluster.clusterName())
          .put("members", members).put("pools", poolStates).put("hooks", hooks.result());
    });
  }

  private static String healthAddress(String node) {
    return "hooknet.dashboard." + node + ".ready";
  }

  private static Future<JsonObject> ask(Vertx vertx, String address, HooknetMessage request) {
    return vertx.eventBus().request(address, request, ASK)
        .map(reply -> Json.toJson((HooknetMessage) reply.body()));
  }
}
