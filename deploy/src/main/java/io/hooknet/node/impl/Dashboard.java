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

  public static void mount(Router router, HooknetCluster cluster) {
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
    for (HooknetCluster.Member member : cluster.members()) {
      members.add(new JsonObject().put("node", member.nodeName()).put("address", member.address())
          .put("local", member.local()));
      pools.add(ask(vertx, SocketPool.commandAddress(member.nodeName()), new PoolCommand.ListSockets(null))
          .recover(failure -> Future.succeededFuture(new JsonObject().put("node", member.nodeName())
              .put("error", HooknetException.from(failure).getMessage()))));
    }
    Future<JsonObject> hooks = ask(vertx, HookRegistry.COMMANDS, new HookCommand.ListHooks(null, null));
    return Future.all(Future.join(pools), hooks).map(done -> {
      JsonArray poolStates = new JsonArray();
      pools.forEach(pool -> poolStates.add(pool.result()));
      return new JsonObject().put("node", cluster.nodeName()).put("cluster", cluster.clusterName())
          .put("members", members).put("pools", poolStates).put("hooks", hooks.result());
    });
  }

  private static Future<JsonObject> ask(Vertx vertx, String address, HooknetMessage request) {
    return vertx.eventBus().request(address, request, ASK)
        .map(reply -> Json.toJson((HooknetMessage) reply.body()));
  }
}
