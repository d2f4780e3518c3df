package io.hooknet.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryOptions;
import io.hooknet.hooks.Sessions;
import io.hooknet.hooks.impl.HookRegistryImpl;
import io.hooknet.sockets.SocketPool;
import io.hooknet.testing.Await;
import io.hooknet.testing.BridgedRegistries;
import io.hooknet.testing.BridgeClient;
import io.hooknet.testing.LocalCluster;
import io.hooknet.testing.SockJsBridgeClient;
import io.hooknet.testing.TcpBridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bridge sessions as a plain TCP bridge client sees them, on the generic command address of a three-node cluster:
 * what a client registers belongs to its session at the node it is connected to, outlives a closed connection
 * for the grace period, is resumed on any node with exactly the changes missed, and goes with one
 * {@code CLIENT_LEFT} per hook when the client does not come back.
 */
class BridgeSessionTest {

  private static final String TOKEN = "session-token";
  private static final int GRACE_SECONDS = 2;
  private static LocalCluster cluster;
  private static final List<HookRegistry> registries = new ArrayList<>();
  private static final List<Integer> bridges = new ArrayList<>();
  private static final List<Integer> httpPorts = new ArrayList<>();
  private static int families;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(BridgeSessionTest.class, 3);
    BridgedRegistries bridged = BridgedRegistries.deploy(cluster, 3, TOKEN,
        new HookRegistryOptions().setSessionGraceSeconds(GRACE_SECONDS).setHookTimeoutMillis(1_000));
    for (int i = 0; i < 3; i++) {
      registries.add(bridged.registry(i));
      bridges.add(bridged.tcpPort(i));
      httpPorts.add(bridged.httpPort(i));
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** A new family with the event IN. */
  private static String family() {
    String family = "s" + ++families;
    Await.result(registries.get(0).addFamily(family));
    Await.result(registries.get(0).addEvent(family, "IN"));
    return family;
  }

  private static TcpBridgeClient client(int node) {
    return new TcpBridgeClient(vertx(node), "127.0.0.1", bridges.get(node), TOKEN);
  }

  private static Vertx vertx(int node) {
    return cluster.vertx(node);
  }

  private static JsonObject op(String op, String family) {
    return new JsonObject().put("op", op).put("family", family).put("event", "IN");
  }

  @Test
  void aClientsRegistrationsBelongToItsSessionAtTheNodeItIsConnectedToWhicheverAddressItNames() {
    String family = family();
    try (TcpBridgeClient client = client(2)) {
      String session = client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
      assertThat(client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")))
          .isEqualTo(new JsonObject().put("session", session).put("node", "n3").put("resumed", false)
              .put("graceSeconds", GRACE_SECONDS).put("lost", new JsonArray()));
      for (String address : List.of(HookRegistry.COMMANDS, HookRegistry.nodeCommands("n1"),
          HookRegistry.nodeCommands("n2"))) {
        client.ok(address, op("hook.register", family).put("hook", "via-" + address).put("address", "addr.x"));
      }
      JsonObject chain = client.ok(HookRegistry.COMMANDS, op("list", family)).getJsonArray("events")
          .getJsonObject(0);
      assertThat(chain.getJsonArray("hooks").stream().map(hook -> ((JsonObject) hook).getString("node") + "/"
          + ((JsonObject) hook).getString("session")).collect(Collectors.toList()))
          .containsExactly("n3/" + session, "n3/" + session, "n3/" + session);
    }
  }

  @Test
  void aClientThatDoesNotComeBackLosesItsHooksOnceEachAfterTheGracePeriodAndRunAnswersAtOnce() {
    String family = family();
    Callback observer = Callback.on(registries.get(0), family);
    String callbackAddress = "hooknet.client." + UUID.randomUUID() + ".cb";
    TcpBridgeClient client = client(1);
    String hook = "hooknet.client." + UUID.randomUUID() + ".hook";
    client.register(hook);
    client.register(callbackAddress);
    client.ok(HookRegistry.COMMANDS, op("notify.register", family).put("address", callbackAddress));
    client.ok(HookRegistry.COMMANDS, op("hook.register", family).put("hook", "a").put("address", hook));
    client.ok(HookRegistry.COMMANDS, op("hook.register", family).put("hook", "b").put("address", hook));
    observer.await(3);
    long closed = System.nanoTime();
    client.close();

    JsonObject run = op("run", family).put("payload", new JsonObject());
    try (TcpBridgeClient other = client(0)) {
      Await.until("the hook's consumer to be gone", Duration.ofSeconds(5), () -> other
          .ok(HookRegistry.COMMANDS, run).getInteger("errno") == 113);
      JsonObject during = other.ok(HookRegistry.COMMANDS, run);
      assertThat(during).isEqualTo(new JsonObject().put("rc", 113).put("called", 1).put("stoppedBy", "a")
          .put("errno", 113).put("errnoName", "EHOSTUNREACH"));
      assertThat(hooks(other, family)).containsExactly("a", "b");

      List<HookEvent> gone = observer.await(5).subList(3, 5);
      double seconds = (System.nanoTime() - closed) / 1e9;
      assertThat(gone).extracting(e -> e.cmd() + " " + e.hook() + " " + e.cause() + " " + e.node())
          .containsExactly("HN_UNREGISTER a CLIENT_LEFT n2", "HN_UNREGISTER b CLIENT_LEFT n2");
      assertThat(seconds).isBetween((double) GRACE_SECONDS, GRACE_SECONDS + 1.5);
      assertThat(other.ok(HookRegistry.COMMANDS, run)).isEqualTo(new JsonObject().put("rc", 0).put("called", 0)
          .putNull("stoppedBy").put("errno", 0).putNull("errnoName"));
      assertThat(hooks(other, family)).isEmpty();
      Await.result(registries.get(0).register(family, "IN", "marker", null, null, "addr.m"));
      assertThat(observer.await(6)).hasSize(6).last().extracting(HookEvent::hook).isEqualTo("marker");
      // The session and its claims are gone: its callback address is free for a new registration.
      Await.result(registries.get(2).notifyRegister(family, "IN", event -> { }));
      Await.result(registries.get(2).execute(new io.hooknet.codec.HookCommand.NotifyRegister(family, "IN",
          callbackAddress)));
    }
  }

  @Test
  void aClientThatComesBackToAnotherNodeWithinTheGracePeriodResumesWithExactlyWhatItMissed() {
    String family = family();
    Callback observer = Callback.on(registries.get(0), family);
    String session;
    String callback = "hooknet.client." + UUID.randomUUID() + ".cb";
    JsonObject lastSeen;
    try (TcpBridgeClient first = client(1)) {
      session = first.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
      first.register(callback);
      first.ok(HookRegistry.COMMANDS, op("hook.register", family).put("hook", "mine").put("address", "addr.mine"));
      first.ok(HookRegistry.COMMANDS, op("notify.register", family).put("address", callback));
      Await.result(registries.get(0).register(family, "IN", "x1", null, null, "addr.x1"));
      List<JsonObject> seen = first.awaitMessages(callback, 3);
      assertThat(seen).extracting(e -> e.getString("cmd") + " " + e.getString("hook")).containsExactly(
          "HN_REGISTER mine", "HN_SYNCED null", "HN_REGISTER x1");
      lastSeen = seen.get(2);
    }
    Await.result(registries.get(0).register(family, "IN", "x2", null, null, "addr.x2"));
    Await.result(registries.get(0).unregister(family, "IN", "x1"));

    try (TcpBridgeClient back = client(2).session(session)) {
      back.register(callback);
      assertThat(back.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")))
          .isEqualTo(new JsonObject().put("session", session).put("node", "n3").put("resumed", true)
              .put("graceSeconds", GRACE_SECONDS).put("lost", new JsonArray()));
      back.ok(HookRegistry.COMMANDS, op("notify.register", family).put("address", callback).put("since",
          new JsonObject().put("epoch", lastSeen.getLong("epoch")).put("seq", lastSeen.getLong("seq"))));
      List<JsonObject> caughtUp = back.awaitMessages(callback, 3);
      assertThat(caughtUp).extracting(e -> e.getString("cmd") + " " + e.getString("hook") + " "
          + e.getString("cause") + " " + e.getLong("seq")).containsExactly("HN_REGISTER x2 REGISTERED 3",
              "HN_UNREGISTER x1 UNREGISTERED 4", "HN_SYNCED null REPLAY 4");
      Await.result(registries.get(1).register(family, "IN", "x3", null, null, "addr.x3"));
      assertThat(back.awaitMessages(callback, 4)).hasSize(4).last()
          .satisfies(e -> assertThat(e.getString("hook") + " " + e.getLong("seq")).isEqualTo("x3 5"));
      // What is checked here is that nothing happens for twice the grace period, so the test lets that time pass.
      pause(Duration.ofSeconds(2 * GRACE_SECONDS));
      Await.result(registries.get(1).register(family, "IN", "marker", null, null, "addr.marker"));
      assertThat(observer.await(7)).extracting(e -> e.cmd() + " " + e.hook() + " " + e.cause()).containsExactly(
          "HN_SYNCED null REPLAY", "HN_REGISTER mine REGISTERED", "HN_REGISTER x1 REGISTERED",
          "HN_REGISTER x2 REGISTERED", "HN_UNREGISTER x1 UNREGISTERED", "HN_REGISTER x3 REGISTERED",
          "HN_REGISTER marker REGISTERED");
      assertThat(hooks(back, family)).containsExactly("mine", "x2", "x3", "marker");
      assertThat(back.awaitMessages(callback, 5)).hasSize(5);
    }
  }

  @Test
  void sessionCloseEndsTheSessionAtOnce() {
    String family = family();
    Callback observer = Callback.on(registries.get(0), family);
    TcpBridgeClient client = client(0);
    client.ok(HookRegistry.COMMANDS, op("hook.register", family).put("hook", "a").put("address", "addr.a"));
    observer.await(2);
    long asked = System.nanoTime();
    assertThat(client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session.close")))
        .isEqualTo(new JsonObject().put("seq", 0));
    assertThat(observer.await(3).get(2)).extracting(e -> e.hook() + " " + e.cause())
        .isEqualTo("a CLIENT_LEFT");
    assertThat((System.nanoTime() - asked) / 1e9).isLessThan(GRACE_SECONDS);
    Await.until("the connection to close", Duration.ofSeconds(5), client::isClosed);
    client.close();
  }

  @Test
  void aSessionWhoseEntryWasLostEndsWhenItsGracePeriodIsOver() {
    String family = family();
    Callback observer = Callback.on(registries.get(0), family);
    TcpBridgeClient client = client(0);
    String session = client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
    client.ok(HookRegistry.COMMANDS, op("hook.register", family).put("hook", "orphan").put("address", "addr.o"));
    observer.await(2);
    // The partition that held the session's entry is lost (its members died at once): no entry, ever again.
    cluster.node(0).hazelcast().getMap("hooknet.sessions").delete(session);
    long closed = System.nanoTime();
    client.close();
    assertThat(observer.await(3).get(2)).extracting(e -> e.hook() + " " + e.session() + " " + e.cause())
        .isEqualTo("orphan " + session + " CLIENT_LEFT");
    assertThat((System.nanoTime() - closed) / 1e9).isGreaterThanOrEqualTo(GRACE_SECONDS);
  }

  @Test
  void aRegistrationThatArrivesAfterItsSessionEndedIsWithdrawnAndRefused() {
    String family = family();
    Callback observer = Callback.on(registries.get(0), family);
    TcpBridgeClient client = client(0);
    String session = client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
    client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session.close"));
    Await.until("the connection to close", Duration.ofSeconds(5), client::isClosed);
    client.close();

    // What a command of the session still in flight when it ended does: applied after the session's clean-up.
    HookRegistryImpl registry = (HookRegistryImpl) registries.get(0);
    Throwable refused = Await.failure(registry.execute(new HookCommand.HookRegister(family, "IN", "late", null, null,
        "addr.late"), session));
    assertThat(HooknetException.from(refused).errno()).isEqualTo(Errno.ESRCH.number());
    assertThat(observer.await(3)).extracting(e -> e.cmd() + " " + e.hook() + " " + e.cause() + " " + e.session())
        .containsExactly("HN_SYNCED null REPLAY null", "HN_REGISTER late REGISTERED " + session,
            "HN_UNREGISTER late CLIENT_LEFT " + session);
    try (TcpBridgeClient other = client(1)) {
      assertThat(hooks(other, family)).isEmpty();
    }
    Await.result(registries.get(1).register(family, "IN", "marker", null, null, "addr.marker"));
    assertThat(observer.await(4)).hasSize(4).last().extracting(HookEvent::hook).isEqualTo("marker");
  }

  /**
   * A merge may keep a copy of a family without what a session registered through a node on its side of the split;
   * until that node asserts it again, another session may take the name through the same node. The registration
   * that takes it wins, and the session that held it is told at once, as the merge's re-assertion would have told
   * it: {@code HN_UNREGISTER} with {@code MERGE_CONFLICT} at its owner address.
   */
  @Test
  void aNameTakenThroughTheNodeThatHeldItForAnotherSessionIsToldToThatSessionAsAMergeConflict() {
    String family = family();
    com.hazelcast.map.IMap<String, Object> stored = cluster.node(0).hazelcast().getMap("hooknet.hooks");
    Object before = stored.get(family);
    try (TcpBridgeClient holder = client(1); TcpBridgeClient taker = client(1)) {
      String held = holder.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
      holder.register(Sessions.ownerAddress(held));
      holder.ok(HookRegistry.COMMANDS, op("hook.register", family).put("hook", "h0").put("address", "addr.holder"));
      // The copy of the family from before the registration comes back, as a merge that keeps the other side's.
      stored.set(family, before);
      String took = taker.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
      taker.register(Sessions.ownerAddress(took));
      taker.ok(HookRegistry.COMMANDS, op("hook.register", family).put("hook", "h0").put("address", "addr.taker"));

      assertThat(holder.awaitMessages(Sessions.ownerAddress(held), 1)).extracting(e -> e.getString("cmd") + " "
          + e.getString("hook") + " " + e.getString("session") + " " + e.getString("cause"))
          .containsExactly("HN_UNREGISTER h0 " + held + " MERGE_CONFLICT");
      assertThat(hooks(taker, family)).containsExactly("h0");
      JsonObject chain = taker.ok(HookRegistry.COMMANDS, op("list", family)).getJsonArray("events")
          .getJsonObject(0).getJsonArray("hooks").getJsonObject(0);
      assertThat(chain.getString("session")).isEqualTo(took);
      assertThat(taker.messages(Sessions.ownerAddress(took))).isEmpty();
      assertThat(holder.isClosed()).isFalse();
    }
  }

  @Test
  void aSockJsClientsSessionIsTheSameAsATcpClientsAndResumesOverEitherBridge() {
    String family = family();
    String session;
    try (SockJsBridgeClient first = new SockJsBridgeClient(vertx(1), "127.0.0.1", httpPorts.get(1), TOKEN)) {
      session = first.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
      first.ok(HookRegistry.nodeCommands("n1"), op("hook.register", family).put("hook", "a").put("address", "addr.a"));
      JsonObject refused = first.request(HookRegistry.COMMANDS, new JsonObject().put("op", 7));
      assertThat(refused.getInteger("failureCode")).isEqualTo(Errno.EINVAL.number());
    }
    try (TcpBridgeClient back = client(0).session(session)) {
      assertThat(back.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")))
          .isEqualTo(new JsonObject().put("session", session).put("node", "n1").put("resumed", true)
              .put("graceSeconds", GRACE_SECONDS).put("lost", new JsonArray()));
      // The hook names the node that carried out the command (the one the client was on, not n1 it named), and
      // the session that owns it, now anchored at n1.
      JsonObject hook = back.ok(HookRegistry.COMMANDS, op("list", family)).getJsonArray("events").getJsonObject(0)
          .getJsonArray("hooks").getJsonObject(0);
      assertThat(hook.getString("hook") + " " + hook.getString("node") + " " + hook.getString("session"))
          .isEqualTo("a n2 " + session);
    }
  }

  @Test
  void aBridgedObserverOnAnotherNodeGetsEachPublishedChangeOnce() {
    String family = family();
    // Every node has published changes before the observer listens: the route each keeps to the events address
    // has only its own local consumer, and must take the observer's when it comes.
    for (int i = 0; i < 3; i++) {
      Await.result(registries.get(i).register(family, "IN", "before" + i, null, null, "addr.before" + i));
    }
    try (TcpBridgeClient observer = client(2); TcpBridgeClient client = client(0)) {
      observer.register(HookRegistry.EVENTS);
      int[] probes = {0};
      Await.until("the observer to be reached", Duration.ofSeconds(20), () -> {
        Await.result(registries.get(probes[0] % 3).register(family, "IN", "probe" + probes[0]++, null, null,
            "addr.probe"));
        return !observer.messages(HookRegistry.EVENTS).isEmpty();
      });
      long registered = client.ok(HookRegistry.COMMANDS, op("hook.register", family).put("hook", "x")
          .put("address", "addr.x")).getLong("seq");
      client.ok(HookRegistry.COMMANDS, op("hook.unregister", family).put("hook", "x"));
      client.ok(HookRegistry.COMMANDS, op("hook.register", family).put("hook", "end").put("address", "addr.end"));
      Await.until("the last change", Duration.ofSeconds(10), () -> observer.messages(HookRegistry.EVENTS).stream()
          .anyMatch(event -> "end".equals(event.getString("hook"))));
      assertThat(observer.messages(HookRegistry.EVENTS)).filteredOn(event -> family.equals(event.getString("family"))
          && List.of("x", "end").contains(event.getString("hook")))
          .extracting(event -> event.getString("cmd") + " " + event.getString("hook") + " " + event.getString("cause")
              + " " + event.getLong("seq"))
          .containsExactly("HN_REGISTER x REGISTERED " + registered, "HN_UNREGISTER x UNREGISTERED " + (registered + 1),
              "HN_REGISTER end REGISTERED " + (registered + 2));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "sockjs"})
  void messagesToAClientKeepTheirOrderWhileItsSessionIsBeingOpened(String transport) {
    String address = SocketPool.SOCK_EVENTS;
    for (int round = 0; round < 5; round++) {
      try (BridgeClient client = bridgeClient(transport, 1)) {
        client.register(address);
        Await.until("the client to listen", Duration.ofSeconds(10), () -> {
          vertx(1).eventBus().publish(address, new JsonObject().put("probe", true));
          return !client.messages(address).isEmpty();
        });
        // The first command opens the client's session, which takes a trip to the cluster; messages published
        // meanwhile wait for that decision and must then come in the order they were published.
        client.sendRequest(HookRegistry.COMMANDS, new JsonObject().put("op", "session"));
        for (int i = 0; i < 200; i++) {
          vertx(1).eventBus().publish(address, new JsonObject().put("n", i));
        }
        List<Integer> numbers = new ArrayList<>();
        Await.until("200 numbered messages", Duration.ofSeconds(20), () -> {
          numbers.clear();
          client.messages(address).stream().filter(body -> body.containsKey("n"))
              .forEach(body -> numbers.add(body.getInteger("n")));
          return numbers.size() == 200;
        });
        assertThat(numbers).isEqualTo(IntStream.range(0, 200).boxed().collect(Collectors.toList()));
      }
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "sockjs"})
  void aConnectionIsClosedOnceItsSessionIsResumedAtAnotherNodeAndTheSessionGoesOnThere(String transport) {
    String family = family();
    try (BridgeClient first = bridgeClient(transport, 0)) {
      String session = first.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
      first.ok(HookRegistry.COMMANDS, op("hook.register", family).put("hook", "kept").put("address", "addr.kept"));
      // The client moved to n2 without closing its first connection (or its close never reached n1): the first
      // connection must not keep the session at n1.
      try (BridgeClient second = bridgeClient(transport, 1).session(session)) {
        assertThat(second.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")))
            .isEqualTo(new JsonObject().put("session", session).put("node", "n2").put("resumed", true)
                .put("graceSeconds", GRACE_SECONDS).put("lost", new JsonArray()));
        Await.until("the first connection to be closed", Duration.ofSeconds(10), first::isClosed);
        // Its close ended nothing: the session goes on through the second connection, past its grace period.
        pause(Duration.ofSeconds(2 * GRACE_SECONDS));
        assertThat(hooks(second, family)).containsExactly("kept");
        assertThat(second.ok(HookRegistry.COMMANDS, op("hook.unregister", family).put("hook", "kept"))
            .getLong("seq")).isEqualTo(2);
        assertThat(hooks(second, family)).isEmpty();
      }
    }
  }

  /** A client of node {@code node}'s TCP or SockJS bridge. */
  private static BridgeClient bridgeClient(String transport, int node) {
    return "tcp".equals(transport) ? client(node)
        : new SockJsBridgeClient(vertx(node), "127.0.0.1", httpPorts.get(node), TOKEN);
  }

  private static List<String> hooks(BridgeClient client, String family) {
    return client.ok(HookRegistry.COMMANDS, op("list", family)).getJsonArray("events").getJsonObject(0)
        .getJsonArray("hooks").stream().map(hook -> ((JsonObject) hook).getString("hook"))
        .collect(Collectors.toList());
  }

  @Test
  void whatASessionWhoseEntryWasLostStillOwnsGoesAsClientLeft() {
    // As Hazelcast leaves it when both copies of the sessions' partition are lost: no entry at all. Two reconcile
    // rounds find it missing (10 s apart).
    assertWhatItOwnsGoesAfter("orphan", session -> cluster.node(0).hazelcast()
        .<String, byte[]>getMap("hooknet.sessions").delete(session), Duration.ofSeconds(40), "CLIENT_LEFT");
  }

  @Test
  void whatAnEndedSessionStillOwnsGoesWithItsCauseWhereverAMergeLeftIt() {
    // As a merge can leave it: the family kept from one side still has the hook, while the session ended on the
    // other side, which cleaned up after it there; its entry is the tombstone.
    assertWhatItOwnsGoesAfter("kept", session -> setEntry(session, Map.of("connected", false, "cause", "NODE_LEFT",
        "ending", true, "cleaned", true)), Duration.ofSeconds(20), "NODE_LEFT");
  }

  /**
   * A bridged client's session holds {@code hook}, and its entry meets {@code fault}: the hook goes within
   * {@code within}, told to a callback once with {@code cause}, and no node lists it after.
   */
  private void assertWhatItOwnsGoesAfter(String hook, java.util.function.Consumer<String> fault, Duration within,
      String cause) {
    String family = family();
    Callback observer = Callback.on(registries.get(0), family);
    try (TcpBridgeClient client = client(1)) {
      fault.accept(sessionWithHook(client, family, hook, observer));
      assertThat(observer.await(3, within).get(2)).extracting(e -> e.cmd() + " " + e.hook() + " " + e.cause())
          .isEqualTo("HN_UNREGISTER " + hook + " " + cause);
    }
    try (TcpBridgeClient other = client(0)) {
      assertThat(hooks(other, family)).isEmpty();
    }
    assertThat(observer.all()).hasSize(3);
  }

  @Test
  void aLostHookNoticeKeptWhileNoListenerWasThereReachesTheConnectedClientOnce() {
    String family = family();
    try (TcpBridgeClient client = client(1)) {
      String session = client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
      String notices = "hooknet.session." + session;
      client.register(notices);
      // As a merge leaves it when the notice found no listener: kept in the session's entry, the client connected.
      HookEvent lost = new HookEvent(HookEvent.Cmd.HN_UNREGISTER, family, "IN", "gone", "n2", session, null, null, 0,
          7, 3, false, HookEvent.Cause.MERGE_CONFLICT);
      setEntry(session, Map.of("lost", List.of(lost)));
      assertThat(client.awaitMessages(notices, 1)).extracting(e -> e.getString("cmd") + " " + e.getString("hook")
          + " " + e.getString("cause") + " " + e.getLong("seq")).containsExactly("HN_UNREGISTER gone MERGE_CONFLICT 3");
      // Handed over once: later connection checks find nothing more to give.
      // Nothing can be awaited for an absence: two more connection checks (2 s each) pass first.
      long checked = System.nanoTime() + Duration.ofMillis(4_500).toNanos();
      Await.until("two more connection checks", Duration.ofSeconds(10), () -> System.nanoTime() > checked);
      assertThat(client.messages(notices)).hasSize(1);
    }
  }

  @Test
  void aSessionTheClusterHasAtANodeWithoutItsConnectionEndsAfterItsGracePeriodAsNodeLeft() {
    String family = family();
    Callback observer = Callback.on(registries.get(0), family);
    try (TcpBridgeClient client = client(1)) {
      String session = sessionWithHook(client, family, "stray", observer);
      // As a node killed and restarted under its name leaves it: the entry says connected to n3, which is a member
      // and has no connection for the session.
      long stranded = System.nanoTime();
      setEntry(session, Map.of("node", "n3"));
      assertThat(observer.await(3).get(2)).extracting(e -> e.cmd() + " " + e.hook() + " " + e.session() + " "
          + e.cause()).isEqualTo("HN_UNREGISTER stray " + session + " NODE_LEFT");
      assertThat((System.nanoTime() - stranded) / 1e9).isGreaterThanOrEqualTo(GRACE_SECONDS);
      // The session has ended: n2, where its client is still connected, closes the connection.
      Await.until("the connection to close", Duration.ofSeconds(5), client::isClosed);
    }
    try (TcpBridgeClient other = client(0)) {
      assertThat(hooks(other, family)).isEmpty();
    }
    assertThat(observer.all()).hasSize(3);
  }

  /**
   * Opens {@code client}'s session and registers hook {@code hook} in it, once {@code observer} is told (its replay
   * and the registration); gives the session.
   */
  private static String sessionWithHook(TcpBridgeClient client, String family, String hook, Callback observer) {
    String session = client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
    client.ok(HookRegistry.COMMANDS, op("hook.register", family).put("hook", hook).put("address", "addr." + hook));
    assertThat(observer.await(2).get(1)).extracting(e -> e.cmd() + " " + e.hook() + " " + e.session())
        .isEqualTo("HN_REGISTER " + hook + " " + session);
    return session;
  }

  /**
   * Writes {@code session}'s entry as faults can leave it: connected to n2 at attachment 1 with nothing kept,
   * but for what {@code state} says.
   */
  private static void setEntry(String session, Map<String, Object> state) {
    Map<String, Object> entry = new HashMap<>(Map.of("id", session, "node", "n2", "attachment", 1, "connected", true,
        "deadline", 0, "ending", false, "lost", List.of(), "cleaned", false));
    entry.putAll(state);
    cluster.node(0).hazelcast().<String, byte[]>getMap("hooknet.sessions").set(session, Mapping.toCborBytes(entry));
  }

  /** A Java callback on {@code family/IN} that records what it is told. */
  static final class Callback {
    private final List<HookEvent> events = new CopyOnWriteArrayList<>();

    static Callback on(HookRegistry registry, String family) {
      Callback callback = new Callback();
      Await.result(registry.notifyRegister(family, "IN", callback.events::add));
      return callback;
    }

    List<HookEvent> all() {
      return new ArrayList<>(events);
    }

    List<HookEvent> await(int count) {
      return await(count, Duration.ofSeconds(20));
    }

    List<HookEvent> await(int count, Duration within) {
      Await.until(count + " events", within, () -> events.size() >= count);
      return all();
    }
  }
}
