package io.hooknet.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.map.IMap;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryVerticle;
import io.hooknet.hooks.Sessions;
import io.hooknet.sockets.SocketPool;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.hooknet.testing.TcpBridgeClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The permission model over the raw TCP bridge protocol: listening is open, commands need enabling and the
 * token, a duplicate register is refused rather than leaked, a session's client addresses (claimed, or under its
 * own address by their name) are its own, and malformed frames and commands are answered without harming the
 * connection; a connection that closes while its
 * session's entry is away (a merge bringing it back) still starts the session's grace period, and a connection
 * follows its session as the cluster has it: connected again when taken for gone, closed when ended elsewhere
 * (whatever connection the end knew), when its entry was lost or when a later connection resumed it elsewhere. The
 * registry and its sessions answer a caller (a bridge) on the caller's own context.
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
        .setHttpPort(ports.get(1)), registry)));
    Await.result(vertx.deployVerticle(new BridgeVerticle(new HooknetBridgeOptions().setTcpPort(commands)
        .setHttpPort(ports.get(3)).setEnableCommands(true).setToken(TOKEN), registry)));
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
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, "127.0.0.1", open, TOKEN)) {
      client.register("hooknet.hooks.node.n1.notices");
      client.sendRequest(HookRegistry.COMMANDS, new JsonObject().put("op", "list"));
      Await.until("two refusals", Duration.ofSeconds(10),
          () -> client.count(frame -> "err".equals(frame.getString("type"))) == 2);
      assertThat(client.frames()).extracting(frame -> frame.getString("message"))
          .containsExactly("access_denied", "blocked by bridgeEvent handler");
    }
  }

  @Test
  void commandsNeedTheTokenAndArePointToPoint() {
    JsonObject add = new JsonObject().put("op", "family.add").put("family", "tokens");
    try (TcpBridgeClient anonymous = new TcpBridgeClient(vertx, commands);
        TcpBridgeClient wrong = new TcpBridgeClient(vertx, "127.0.0.1", commands, "wrong-token!")) {
      anonymous.sendRequest(HookRegistry.COMMANDS, add);
      wrong.sendRequest(HookRegistry.COMMANDS, add);
      for (TcpBridgeClient refused : List.of(anonymous, wrong)) {
        refused.await("the refusal", frame -> "err".equals(frame.getString("type")));
      }
    }
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, "127.0.0.1", commands, TOKEN)) {
      client.send(new JsonObject().put("type", "publish").put("address", HookRegistry.COMMANDS)
          .put("headers", client.headers()).put("body", add));
      client.await("the refusal", frame -> "err".equals(frame.getString("type")));
      assertThat(Await.failure(registry.list("tokens", null))).hasMessage("ENXIO: family 'tokens' does not exist");

      assertThat(client.ok(HookRegistry.COMMANDS, add)).isEqualTo(new JsonObject().put("seq", 0));
      JsonObject failure = client.request(HookRegistry.COMMANDS, add);
      assertThat(failure.getInteger("failureCode")).isEqualTo(17);
      assertThat(failure.getString("message")).isEqualTo("EEXIST: family 'tokens' already exists");
    }
  }

  @Test
  void anotherConnectionCannotTakeASessionsClientAddress() {
    Await.result(registry.addFamily("hijack"));
    Await.result(registry.addEvent("hijack", "IN"));
    String address = "hooknet.client.owner.cb";
    try (TcpBridgeClient owner = new TcpBridgeClient(vertx, "127.0.0.1", commands, TOKEN);
        TcpBridgeClient thief = new TcpBridgeClient(vertx, "127.0.0.1", commands, TOKEN)) {
      owner.register(address);
      owner.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "notify.register").put("family", "hijack")
          .put("event", "IN").put("address", address));
      owner.awaitMessages(address, 1);

      assertNobodyElseMayUse(address, thief, "hijack");

      Await.result(registry.register("hijack", "IN", "marker", null, null, "addr.marker"));
      List<JsonObject> events = owner.awaitMessages(address, 2);
      assertThat(events).extracting(event -> event.getString("cmd") + " " + event.getString("hook"))
          .containsExactly("HN_SYNCED null", "HN_REGISTER marker");
      assertThat(thief.messages(address)).isEmpty();
    }
  }

  @Test
  void aSessionsOwnAddressesAreItsByTheirNameWithoutAClaim() {
    Await.result(registry.addFamily("named"));
    Await.result(registry.addEvent("named", "IN"));
    try (TcpBridgeClient owner = new TcpBridgeClient(vertx, "127.0.0.1", commands, TOKEN);
        TcpBridgeClient thief = new TcpBridgeClient(vertx, "127.0.0.1", commands, TOKEN)) {
      String session = session(owner);
      String notices = "hooknet.session." + session;
      String address = notices + ".a1.cb";
      owner.register(address);
      owner.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "notify.register").put("family", "named")
          .put("event", "IN").put("address", address));
      assertThat(owner.awaitMessages(address, 1)).extracting(event -> event.getString("cmd"))
          .containsExactly("HN_SYNCED");
      assertThat(owner.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "hook.register").put("family", "named")
          .put("event", "IN").put("hook", "own").put("address", notices + ".a2.hook")).getLong("seq")).isEqualTo(1);
      assertThat(cluster.node(0).hazelcast().getMap("hooknet.sessions.claims").containsKey(address))
          .as("no claim is stored").isFalse();

      // Nobody else may listen there or register it: not another session, not a node.
      session(thief);
      assertNobodyElseMayUse(address, thief, "named");
      // A node's Java callback is at an address of the node's own, which no client may listen to.
      String javaCallback = Await.result(registry.notifyRegister("named", "IN", event -> { }));
      assertThat(javaCallback).startsWith("hooknet.hooks.node." + cluster.node(0).nodeName() + ".cb.");
      thief.register(javaCallback);
      java.util.function.Predicate<JsonObject> refusal = frame -> "err".equals(frame.getString("type"))
          && !frame.containsKey("failureCode");
      Await.until("the second refusal", Duration.ofSeconds(10), () -> thief.count(refusal) == 2);
      assertThat(thief.frames()).filteredOn(refusal)
          .extracting(frame -> frame.getString("message"))
          .containsExactly("blocked by bridgeEvent handler", "access_denied");
      // The session's notice address itself is for lost registrations only.
      JsonObject own = owner.request(HookRegistry.COMMANDS, new JsonObject().put("op", "hook.register")
          .put("family", "named").put("event", "IN").put("hook", "n").put("address", notices));
      assertThat(own.getInteger("failureCode")).isEqualTo(22);
      assertThat(own.getString("message")).isEqualTo("EINVAL: address '" + notices + "' is where session "
          + session + " is told of lost registrations; its callbacks and hooks take addresses under it");

      Await.result(registry.register("named", "IN", "marker", null, null, "addr.marker"));
      assertThat(owner.awaitMessages(address, 3)).extracting(event -> event.getString("cmd") + " "
          + event.getString("hook") + " " + event.getLong("seq"))
          .containsExactly("HN_SYNCED null 0", "HN_REGISTER own 1", "HN_REGISTER marker 2");
      assertThat(thief.messages(address)).isEmpty();
      assertThat(Await.result(registry.list("named", "IN")).events().get(0).hooks())
          .extracting(hook -> hook.hook()).containsExactly("own", "marker");
    }
  }

  @Test
  void aConnectionClosedWhileItsSessionsEntryIsAwayStillStartsItsGracePeriod() {
    IMap<String, byte[]> sessions = sessions();
    String session;
    byte[] entry;
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, "127.0.0.1", commands, TOKEN)) {
      session = session(client);
      // A merge is bringing the session's entry back from the side it was made on: it is not in the map yet when
      // the client goes.
      entry = sessions.remove(session);
      assertThat(Mapping.fromCborBytes(entry, JsonNode.class).get("connected").asBoolean()).isTrue();
    }
    sessions.put(session, entry);
    Await.until("the session's entry to show it disconnected", Duration.ofSeconds(10),
        () -> !Mapping.fromCborBytes(sessions.get(session), JsonNode.class).get("connected").asBoolean());
    assertThat(Mapping.fromCborBytes(sessions.get(session), JsonNode.class).get("ending").asBoolean()).isFalse();
  }

  @Test
  void aConnectionFollowsItsSessionAsTheClusterHasIt() {
    IMap<String, byte[]> sessions = sessions();
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, "127.0.0.1", commands, TOKEN)) {
      String session = session(client);
      // The rest of the cluster took this node for gone and started the session's grace period; the node is back
      // and the connection still here: the session is connected again.
      ObjectNode state = (ObjectNode) Mapping.fromCborBytes(sessions.get(session), JsonNode.class);
      sessions.put(session, Mapping.toCborBytes(state.deepCopy().put("connected", false)
          .put("deadline", System.currentTimeMillis() + 600_000).put("cause", "NODE_LEFT")));
      Await.until("the session to be connected again", Duration.ofSeconds(10),
          () -> Mapping.fromCborBytes(sessions.get(session), JsonNode.class).get("connected").asBoolean());
      assertThat(client.isClosed()).isFalse();
      // The cluster ended the session meanwhile: its connection here is closed, and its client, resuming, learns it.
      sessions.put(session, Mapping.toCborBytes(state.deepCopy().put("connected", false).put("ending", true)
          .put("cause", "NODE_LEFT")));
      Await.until("the connection to be closed", Duration.ofSeconds(10), client::isClosed);
    }
  }

  @Test
  void aConnectionIsClosedWhenTheClusterEndsItsSessionWhateverConnectionTheEndKnew() {
    // A merge ended the session as the side that ended it knew it, with the connection before this one.
    closedOnceTheClusterHasIt(state -> state.put("connected", false).put("ending", true).put("cause", "NODE_LEFT")
        .put("attachment", state.get("attachment").asLong() - 1));
  }

  @Test
  void aConnectionWhoseSessionsEntryWasLostIsClosed() {
    // The members that held both copies of the entry left together: the session has ended, and its client learns it
    // on resuming.
    closedOnceTheClusterHasIt(state -> null);
  }

  @Test
  void aConnectionWhoseSessionALaterConnectionResumedElsewhereIsClosed() {
    // The client resumed at another node and this connection's close was never told here: kept, it would take the
    // session back at this node's next merge and hold it there after its client has gone.
    String session = closedOnceTheClusterHasIt(state -> state.put("node", "elsewhere")
        .put("attachment", state.get("attachment").asLong() + 1));
    // The close told nothing to the later connection's session (whose grace period the sweep starts: node
    // "elsewhere" is no member).
    JsonNode after = Mapping.fromCborBytes(sessions().get(session), JsonNode.class);
    assertThat(List.of(after.get("node").asText(), after.get("attachment").asLong(), after.get("ending").asBoolean()))
        .isEqualTo(List.of("elsewhere", 2L, false));
  }

  /**
   * Opens a session on a new connection, changes its entry as {@code change} says ({@code null}: deletes it) and
   * waits for the connection to be closed; the session.
   */
  private static String closedOnceTheClusterHasIt(UnaryOperator<ObjectNode> change) {
    IMap<String, byte[]> sessions = sessions();
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, "127.0.0.1", commands, TOKEN)) {
      String session = session(client);
      ObjectNode changed = change.apply((ObjectNode) Mapping.fromCborBytes(sessions.get(session), JsonNode.class));
      if (changed == null) {
        sessions.delete(session);
      } else {
        sessions.put(session, Mapping.toCborBytes(changed));
      }
      Await.until("the connection to be closed", Duration.ofSeconds(10), client::isClosed);
      return session;
    }
  }

  @Test
  void theRegistryAndItsSessionsAnswerACallerOnItsOwnContext() {
    Context bridge = vertx.getOrCreateContext();
    assertThat(answeredOn(bridge, () -> registry.addFamily("contexts"))).isSameAs(bridge);
    CompletableFuture<Sessions.Session> opened = new CompletableFuture<>();
    assertThat(answeredOn(bridge, () -> registry.sessions().open(null, () -> { }).onSuccess(opened::complete)))
        .isSameAs(bridge);
    Sessions.Session session = opened.join();
    assertThat(session.attachment()).isEqualTo(1);
    assertThat(answeredOn(bridge, () -> registry.sessions().claim(session, "hooknet.client." + session.id() + ".cb")))
        .isSameAs(bridge);
    bridge.runOnContext(v -> registry.sessions().detach(session));
    Await.until("the session's grace period to start", Duration.ofSeconds(10),
        () -> !Mapping.fromCborBytes(sessions().get(session.id()), JsonNode.class).get("connected").asBoolean());
  }

  /** The context on which {@code call}, made on {@code caller}, is answered (it must succeed). */
  private static Context answeredOn(Context caller, Supplier<Future<?>> call) {
    CompletableFuture<Context> answered = new CompletableFuture<>();
    caller.runOnContext(v -> call.get().onComplete(done -> {
      if (done.succeeded()) {
        answered.complete(Vertx.currentContext());
      } else {
        answered.completeExceptionally(done.cause());
      }
    }));
    return Await.result(Future.fromCompletionStage(answered));
  }

  /** The sessions as the cluster stores them. */
  private static IMap<String, byte[]> sessions() {
    return cluster.node(0).hazelcast().getMap("hooknet.sessions");
  }

  /** Opens a session on {@code client}'s connection; its id. */
  /**
   * {@code address} is another session's: {@code thief}'s register of it is refused by the bridge, and a hook
   * register naming it in {@code family}/IN is refused to {@code thief} and to the node.
   */
  private static void assertNobodyElseMayUse(String address, TcpBridgeClient thief, String family) {
    thief.register(address);
    thief.await("the refused register", frame -> "err".equals(frame.getString("type")));
    JsonObject refused = thief.request(HookRegistry.COMMANDS, new JsonObject().put("op", "hook.register")
        .put("family", family).put("event", "IN").put("hook", "h").put("address", address));
    assertThat(refused.getInteger("failureCode")).isEqualTo(13);
    assertThat(refused.getString("message")).isEqualTo("EACCES: address '" + address
        + "' belongs to another session");
    assertThat(Await.failure(registry.register(family, "IN", "java", null, null, address)))
        .hasMessage("EACCES: address '" + address + "' belongs to another session");
  }

  private static String session(TcpBridgeClient client) {
    return client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
  }

  @Test
  void malformedCommandsGetEinvalAndTheConnectionKeepsServing() {
    try (TcpBridgeClient client = new TcpBridgeClient(vertx, "127.0.0.1", commands, TOKEN)) {
      List<Object> bodies = List.of(new JsonObject().putNull("op"), new JsonObject().put("op", 5),
          new JsonObject().put("op", new JsonArray()), new JsonObject().put("op", "hook.register").put("family", 5),
          "hello", new JsonObject().put("op", "notify.register").put("family", "f").put("event", "e")
              .put("address", "a").put("since", "yesterday"));
      List<String> messages = List.of("EINVAL: invalid HookCommand: field 'op' is missing",
          "EINVAL: invalid HookCommand: field 'op' must be a string", "EINVAL: invalid HookCommand: field 'op' must be a string",
          "EINVAL: invalid HookCommand: field 'family' has the wrong type (expected a string)",
          "EINVAL: invalid HookCommand: expected a JSON object, got a String",
          "EINVAL: invalid HookCommand: field 'since' has the wrong type (expected an object)");
      for (int i = 0; i < bodies.size(); i++) {
        JsonObject reply = client.request(HookRegistry.COMMANDS, bodies.get(i));
        assertThat(reply.getInteger("failureCode")).as(String.valueOf(bodies.get(i))).isEqualTo(22);
        assertThat(reply.getString("message")).startsWith(messages.get(i));
      }
      client.send(new JsonObject().put("type", "send").put("address", 7).put("body", new JsonObject()));
      client.send(new JsonObject().put("type", "send").put("address", HookRegistry.COMMANDS).put("headers", "x"));
      client.send(new JsonObject().put("type", "register").put("address", new JsonObject()));
      Await.until("three refusals", Duration.ofSeconds(10),
          () -> client.count(frame -> "invalid_frame".equals(frame.getString("message"))) == 3);
      assertThat(client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "list")).getJsonArray("events"))
          .isNotNull();
      assertThat(client.isClosed()).isFalse();
    }
  }

  /** Publishes probes until the client has one: its consumer is in place. */
  private static void awaitReachable(TcpBridgeClient client) {
    Await.until("the bridge consumer", Duration.ofSeconds(10), () -> {
      vertx.eventBus().publish(SocketPool.SOCK_EVENTS, new JsonObject().put("probe", true));
      return client.count(frame -> frame.getJsonObject("body", new JsonObject()).containsKey("probe")) > 0;
    });
  }
}
