package io.hooknet.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.HookCommand;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryVerticle;
import io.hooknet.sockets.SocketPool;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The permission model over the raw TCP bridge protocol: listening is open, commands need enabling and the
 * token, a duplicate register is refused rather than leaked, and a client's callbacks go with it.
 */
class TcpBridgeTest {

  private static final String TOKEN = "s3cret-token";
  private static LocalCluster cluster;
  private static Vertx vertx;
  private static HookRegistry registry;
  private static int open;
  private static int commands;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(TcpBridgeTest.class, 1);
    vertx = cluster.vertx(0);
    HookRegistryVerticle hooks = new HookRegistryVerticle(cluster.node(0));
    Await.result(vertx.deployVerticle(hooks));
    registry = hooks.registry();
    List<Integer> ports = LocalCluster.freePorts(4);
    open = ports.get(0);
    commands = ports.get(2);
    Await.result(vertx.deployVerticle(new BridgeVerticle(new HooknetBridgeOptions().setTcpPort(open)
        .setHttpPort(ports.get(1)))));
    Await.result(vertx.deployVerticle(new BridgeVerticle(new HooknetBridgeOptions().setTcpPort(commands)
        .setHttpPort(ports.get(3)).setEnableCommands(true).setToken(TOKEN))));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void listenersGetEventsAsJsonAndADuplicateRegisterIsRefusedNotLeaked() {
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, open)) {
      client.register(SocketPool.SOCK_EVENTS);
      awaitReachable(client);
      client.register(SocketPool.SOCK_EVENTS);
      client.await("the refusal", frame -> "err".equals(frame.getString("type")));
      JsonObject event = new JsonObject().put("node", "n1").put("datafd", 7);
      vertx.eventBus().publish(SocketPool.SOCK_EVENTS, event);
      JsonObject received = client.await("the event", frame -> event.equals(frame.getValue("body")));
      assertThat(received.getString("type")).isEqualTo("message");
      assertThat(received.getString("address")).isEqualTo(SocketPool.SOCK_EVENTS);
      vertx.eventBus().publish(SocketPool.SOCK_EVENTS, new JsonObject().put("marker", true));
      client.await("the marker", frame -> frame.getJsonObject("body", new JsonObject()).containsKey("marker"));
      assertThat(client.count(frame -> event.equals(frame.getValue("body")))).as("one consumer only").isEqualTo(1);
      assertThat(client.frames()).filteredOn(frame -> "err".equals(frame.getString("type")))
          .extracting(frame -> frame.getString("message")).containsExactly("blocked by bridgeEvent handler");
    }
  }

  @Test
  void otherAddressesAreDenied() {
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, open)) {
      client.register("hooknet.hooks.node.n1.notices");
      client.request(HookRegistry.COMMANDS, new JsonObject().put("op", "list"), TOKEN, "reply.1");
      Await.until("two refusals", Duration.ofSeconds(10),
          () -> client.count(frame -> "err".equals(frame.getString("type"))) == 2);
      assertThat(client.frames()).extracting(frame -> frame.getString("message"))
          .containsExactly("access_denied", "blocked by bridgeEvent handler");
    }
  }

  @Test
  void commandsNeedTheTokenAndArePointToPoint() {
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, commands)) {
      JsonObject add = new JsonObject().put("op", "family.add").put("family", "tokens");
      client.request(HookRegistry.COMMANDS, add, null, "r1");
      client.request(HookRegistry.COMMANDS, add, "wrong-token!", "r2");
      client.send(new JsonObject().put("type", "publish").put("address", HookRegistry.COMMANDS)
          .put("headers", new JsonObject().put("token", TOKEN)).put("body", add));
      Await.until("three refusals", Duration.ofSeconds(10),
          () -> client.count(frame -> "err".equals(frame.getString("type"))) == 3);
      assertThat(Await.failure(registry.list("tokens", null))).hasMessage("ENXIO: family 'tokens' does not exist");

      client.request(HookRegistry.COMMANDS, add, TOKEN, "r3");
      JsonObject reply = client.await("the reply", frame -> "r3".equals(frame.getString("address")));
      assertThat(reply.getJsonObject("body")).isEqualTo(new JsonObject().put("seq", 0));
      client.request(HookRegistry.COMMANDS, add, TOKEN, "r4");
      JsonObject failure = client.await("the failure", frame -> "r4".equals(frame.getString("address")));
      assertThat(failure.getInteger("failureCode")).isEqualTo(17);
      assertThat(failure.getString("message")).isEqualTo("EEXIST: family 'tokens' already exists");
    }
  }

  @Test
  void aClientsCallbacksGoWhenItDisconnects() {
    Await.result(registry.addFamily("bridged"));
    Await.result(registry.addEvent("bridged", "IN"));
    Await.result(registry.register("bridged", "IN", "a", null, null, "addr.a"));
    String callback = "hooknet.client.test.cb1";
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, commands)) {
      client.register(callback);
      client.request(HookRegistry.COMMANDS, new JsonObject().put("op", "notify.register").put("family", "bridged")
          .put("event", "IN").put("address", callback), TOKEN, "r1");
      JsonObject replay = client.await("the replay", frame -> callback.equals(frame.getString("address")));
      assertThat(replay.getJsonObject("body").getString("hook")).isEqualTo("a");
      assertThat(replay.getJsonObject("body").getString("cause")).isEqualTo("REPLAY");
    }
    Await.until("the callback to be unregistered", Duration.ofSeconds(10), () -> Await.result(
        registry.execute(new HookCommand.NotifyRegister("bridged", "IN", callback))
            .transform(done -> io.vertx.core.Future.succeededFuture(done.succeeded()))));
  }

  /** Publishes probes until the client has one: its consumer is in place. */
  private static void awaitReachable(TcpBridgeClient client) {
    Await.until("the bridge consumer", Duration.ofSeconds(10), () -> {
      vertx.eventBus().publish(SocketPool.SOCK_EVENTS, new JsonObject().put("probe", true));
      return client.count(frame -> frame.getJsonObject("body", new JsonObject()).containsKey("probe")) > 0;
    });
  }
}
