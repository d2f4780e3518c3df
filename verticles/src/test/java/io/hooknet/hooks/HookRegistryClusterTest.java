package io.hooknet.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.Hint;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Replies;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry across three nodes: replay then live changes, EEXIST races, consistent streams, run. */
class HookRegistryClusterTest {

  private static final AtomicInteger FAMILIES = new AtomicInteger();
  private static LocalCluster cluster;
  private static final List<HookRegistry> registries = new ArrayList<>();
  private static final List<String> deployments = new ArrayList<>();

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(HookRegistryClusterTest.class, 3);
    for (int i = 0; i < 3; i++) {
      HookRegistryVerticle verticle = new HookRegistryVerticle(cluster.node(i));
      deployments.add(Await.result(cluster.vertx(i).deployVerticle(verticle)));
      registries.add(verticle.registry());
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** A new family with the event PHYSICAL_IN. */
  private static String family() {
    String family = "inet" + FAMILIES.incrementAndGet();
    Await.result(registries.get(0).addFamily(family));
    Await.result(registries.get(0).addEvent(family, "PHYSICAL_IN"));
    return family;
  }

  @Test
  void aNewCallbackGetsReplayInChainOrderThenLiveChanges() {
    String family = family();
    for (int i = 0; i < 3; i++) {
      Await.result(registries.get(i).register(family, "PHYSICAL_IN", "h" + (char) ('a' + i), Hint.NONE, null,
          call -> 0));
    }
    Callback seen = new Callback();
    Await.result(registries.get(1).notifyRegister(family, "PHYSICAL_IN", seen));
    Await.result(registries.get(2).register(family, "PHYSICAL_IN", "hd", Hint.FIRST, null, call -> 0));
    List<HookEvent> events = seen.await(5);
    assertThat(events).extracting(e -> e.hook() + " " + e.cmd() + " " + e.cause() + " " + e.seq() + " " + e.position())
        .containsExactly("ha HN_REGISTER REPLAY 3 0", "hb HN_REGISTER REPLAY 3 1", "hc HN_REGISTER REPLAY 3 2",
            "null HN_SYNCED REPLAY 3 -1", "hd HN_REGISTER REGISTERED 4 0");
    assertThat(events).extracting(HookEvent::node).containsExactly("n1", "n2", "n3", "n2", "n3");
    assertThat(events).extracting(HookEvent::epoch).containsOnly(events.get(0).epoch());
  }

  /**
   * After its teardown a Java callback is told nothing more: its node stops consuming its address, so that not even
   * a stream a merge brings back from a copy of the family that still had it reaches the handler.
   */
  @Test
  void anUnregisteredJavaCallbackIsToldNothingAfterItsTeardown() {
    String family = family();
    Await.result(registries.get(0).register(family, "PHYSICAL_IN", "ha", Hint.NONE, null, call -> 0));
    Callback seen = new Callback();
    String address = Await.result(registries.get(1).notifyRegister(family, "PHYSICAL_IN", seen));
    Await.result(registries.get(1).notifyUnregister(family, "PHYSICAL_IN", address));
    Await.until("the callback's address to have no consumer on its node", Duration.ofSeconds(5),
        () -> noConsumer(cluster.vertx(1), address));
    assertThat(seen.all()).extracting(e -> e.hook() + " " + e.cmd() + " " + e.cause())
        .containsExactly("ha HN_REGISTER REPLAY", "null HN_SYNCED REPLAY", "ha HN_UNREGISTER TEARDOWN");
  }

  private static boolean noConsumer(Vertx vertx, String address) {
    return Await.result(vertx.eventBus().request(address, "probe",
        new DeliveryOptions().setSendTimeout(500).setLocalOnly(true)).map(reply -> false)
        .recover(failure -> Future.succeededFuture(failure instanceof ReplyException reply
            && reply.failureType() == ReplyFailure.NO_HANDLERS)));
  }

  @Test
  void readsOfOneEventAnswerItsChainCountsAndLatestChangeWhateverTheFamilyHolds() {
    String family = family();
    Await.result(registries.get(0).addEvent(family, "OTHER"));
    for (int i = 0; i < 5; i++) {
      Await.result(registries.get(i % 3).register(family, "OTHER", "o" + i, Hint.NONE, null, "addr.o" + i));
    }
    Await.result(registries.get(1).register(family, "PHYSICAL_IN", "a", Hint.NONE, null, call -> 0));
    Await.result(registries.get(2).register(family, "PHYSICAL_IN", "b", Hint.NONE, null, call -> 7));
    Await.result(registries.get(0).register(family, "PHYSICAL_IN", "gone", Hint.NONE, null, "addr.gone"));
    Await.result(registries.get(0).unregister(family, "PHYSICAL_IN", "gone"));
    Await.result(registries.get(0).notifyRegister(family, "PHYSICAL_IN", event -> { }));

    Replies.RunResult run = Await.result(registries.get(0).run(new HookCommand.Run(family, "PHYSICAL_IN", null)));
    assertThat(run).isEqualTo(new Replies.RunResult(7, 2, "b", 0, null));
    Replies.EventChain chain = Await.result(registries.get(2).list(family, "PHYSICAL_IN")).events().get(0);
    assertThat(chain.hooks()).extracting(hook -> hook.hook() + " " + hook.node() + " " + hook.position() + " "
        + hook.hits()).containsExactly("a n2 0 1", "b n3 1 1");
    assertThat(List.of(chain.family(), chain.event(), chain.seq())).containsExactly(family, "PHYSICAL_IN", 4L);
    Replies.EventStats stats = Await.result(registries.get(1).stats(family, "PHYSICAL_IN"));
    assertThat(List.of(stats.hooksAdded(), stats.hooksRemoved(), stats.events())).containsExactly(3L, 1L, 1L);
    assertThat(Await.result(registries.get(1).list(family, "OTHER")).events().get(0).hooks()).hasSize(5);

    assertThat(Await.failure(registries.get(1).list(family, "NOPE")))
        .hasMessage("ENXIO: event 'NOPE' does not exist in family '" + family + "'");
    assertThat(Await.failure(registries.get(2).stats(family, "NOPE")))
        .hasMessage("ENXIO: event 'NOPE' does not exist in family '" + family + "'");
    assertThat(Await.failure(registries.get(0).run(new HookCommand.Run("nofamily", "PHYSICAL_IN", null))))
        .hasMessage("ENXIO: family 'nofamily' does not exist");
  }

  @Test
  void nodesRacingForOneNameGiveExactlyOneSuccessAndOneNotice() {
    String family = family();
    List<Callback> callbacks = new ArrayList<>();
    for (HookRegistry registry : registries) {
      Callback callback = new Callback();
      Await.result(registry.notifyRegister(family, "PHYSICAL_IN", callback));
      callbacks.add(callback);
    }
    List<Future<Long>> attempts = new ArrayList<>();
    for (HookRegistry registry : registries) {
      attempts.add(registry.register(family, "PHYSICAL_IN", "ipf", Hint.NONE, null, "addr." + registry.nodeName()));
    }
    Await.result(Future.join(attempts).transform(done -> Future.succeededFuture()));
    assertThat(attempts.stream().filter(Future::succeeded).count()).isEqualTo(1);
    for (Future<Long> attempt : attempts) {
      if (attempt.failed()) {
        assertThat(((HooknetException) attempt.cause()).errno()).isEqualTo(17);
        assertThat(attempt.cause()).hasMessage("EEXIST: on " + family + "/PHYSICAL_IN: hook 'ipf' is already in the chain");
      }
    }
    Await.result(registries.get(0).register(family, "PHYSICAL_IN", "marker", Hint.NONE, null, "addr.m"));
    for (Callback callback : callbacks) {
      assertThat(callback.await(3)).extracting(e -> e.cmd() + " " + e.hook())
          .containsExactly("HN_SYNCED null", "HN_REGISTER ipf", "HN_REGISTER marker");
    }
  }

  @Test
  void everyCallbackSeesTheRegistrysHistoryFromItsSnapshotOnUnderLoad() {
    String family = family();
    int operations = 1_000;
    List<Callback> callbacks = new CopyOnWriteArrayList<>();
    List<Future<?>> work = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      HookRegistry registry = registries.get(node);
      int first = node * (operations / 3);
      work.add(churn(registry, family, first, operations / 3 + (node == 2 ? operations % 3 : 0), callbacks));
    }
    Await.result(Future.all(work), Duration.ofSeconds(120));
    Replies.EventChain chain = Await.result(registries.get(0).list(family, "PHYSICAL_IN")).events().get(0);
    assertThat(callbacks).hasSize(3);
    for (Callback callback : callbacks) {
      Await.until("the callback to reach seq " + chain.seq(), Duration.ofSeconds(30),
          () -> !callback.all().isEmpty() && callback.all().get(callback.all().size() - 1).seq() == chain.seq());
      List<HookEvent> events = callback.all();
      List<HookEvent> replay = events.stream().filter(HookEvent::replay).collect(Collectors.toList());
      List<HookEvent> live = events.subList(replay.size(), events.size());
      assertThat(replay.get(replay.size() - 1).cmd()).isEqualTo(Cmd.HN_SYNCED);
      long snapshot = replay.get(replay.size() - 1).seq();
      assertThat(replay).allSatisfy(event -> assertThat(event.seq()).isEqualTo(snapshot));
      replay = replay.subList(0, replay.size() - 1);
      assertThat(live).extracting(HookEvent::seq).containsExactlyElementsOf(
          LongStream.rangeClosed(snapshot + 1, chain.seq()).boxed().collect(Collectors.toList()));
      Set<String> hooks = new LinkedHashSet<>();
      replay.forEach(event -> hooks.add(event.hook()));
      for (HookEvent event : live) {
        if (event.cmd() == Cmd.HN_REGISTER) {
          assertThat(hooks.add(event.hook())).as("no duplicate HN_REGISTER for " + event.hook()).isTrue();
        } else {
          assertThat(hooks.remove(event.hook())).as("HN_UNREGISTER of a known hook " + event.hook()).isTrue();
        }
      }
      assertThat(hooks).containsExactlyInAnyOrderElementsOf(
          chain.hooks().stream().map(Replies.HookInfo::hook).collect(Collectors.toList()));
    }
  }

  /** Registers and (every third) unregisters hooks one after the other, subscribing a callback half way. */
  private static Future<Void> churn(HookRegistry registry, String family, int first, int count,
      List<Callback> callbacks) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      int n = first + i;
      int step = i;
      chain = chain.compose(v -> {
        Future<?> op = n % 3 == 2
            ? registry.unregister(family, "PHYSICAL_IN", "h" + (n - 1))
            : registry.register(family, "PHYSICAL_IN", "h" + n, Hint.NONE, null, "addr.h" + n);
        if (step == count / 2) {
          Callback callback = new Callback();
          callbacks.add(callback);
          op = op.compose(done -> registry.notifyRegister(family, "PHYSICAL_IN", callback));
        }
        return op.mapEmpty();
      });
    }
    return chain;
  }

  @Test
  void runCallsTheHooksOfEveryNodeInChainOrderAndStopsAtTheFirstNonZero() {
    String family = family();
    List<String> calls = new CopyOnWriteArrayList<>();
    Await.result(registries.get(2).register(family, "PHYSICAL_IN", "third", Hint.LAST, null, call -> {
      calls.add("third@n3");
      return 0;
    }));
    Await.result(registries.get(0).register(family, "PHYSICAL_IN", "first", Hint.FIRST, null, call -> {
      calls.add("first@n1 " + call.payload().get("packet").asText());
      return 0;
    }));
    Await.result(registries.get(1).register(family, "PHYSICAL_IN", "second", Hint.NONE, null, call -> {
      calls.add("second@n2");
      return calls.size() > 5 ? 13 : 0;
    }));
    HookCommand.Run run = new HookCommand.Run(family, "PHYSICAL_IN",
        io.hooknet.codec.Json.fromJson(new io.vertx.core.json.JsonObject().put("packet", "p1"),
            com.fasterxml.jackson.databind.JsonNode.class));
    assertThat(Await.result(registries.get(1).run(run))).isEqualTo(new Replies.RunResult(0, 3, null));
    assertThat(calls).containsExactly("first@n1 p1", "second@n2", "third@n3");
    assertThat(Await.result(registries.get(2).run(run))).isEqualTo(new Replies.RunResult(0, 3, null));
    assertThat(Await.result(registries.get(0).run(run))).isEqualTo(new Replies.RunResult(13, 2, "second"));
    Replies.EventStats stats = Await.result(registries.get(0).stats(family, "PHYSICAL_IN"));
    assertThat(stats.events()).isEqualTo(3);
    assertThat(stats.hooksAdded()).isEqualTo(3);
    assertThat(stats.hooks()).extracting(h -> h.hook() + "@" + h.position() + " hits " + h.hits())
        .containsExactly("first@0 hits 3", "second@1 hits 3", "third@2 hits 2");
  }

  @Test
  void aCallbackMayChangeItsOwnEventAndASlowOrFailingCallbackHoldsUpNoOne() {
    String family = family();
    List<Future<Long>> fromCallback = new CopyOnWriteArrayList<>();
    Callback reentrant = new Callback();
    Await.result(registries.get(0).notifyRegister(family, "PHYSICAL_IN", event -> {
      reentrant.handle(event);
      if ("trigger".equals(event.hook()) && event.cmd() == Cmd.HN_REGISTER) {
        fromCallback.add(registries.get(0).register(family, "PHYSICAL_IN", "echo", Hint.NONE, null, "addr.echo"));
      }
    }));
    List<HookEvent> failing = new CopyOnWriteArrayList<>();
    Await.result(registries.get(1).notifyRegister(family, "PHYSICAL_IN", event -> {
      failing.add(event);
      throw new IllegalStateException("callback bug");
    }));
    List<HookEvent> slow = new CopyOnWriteArrayList<>();
    Await.result(registries.get(2).notifyRegister(family, "PHYSICAL_IN", event -> {
      slow.add(event);
      try {
        Thread.sleep(700);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));

    Await.result(registries.get(1).register(family, "PHYSICAL_IN", "trigger", Hint.NONE, null, "addr.t"));
    Await.result(registries.get(1).register(family, "PHYSICAL_IN", "after", Hint.NONE, null, "addr.a"));
    List<HookEvent> seen = reentrant.await(4);
    assertThat(seen.remove(0).cmd()).isEqualTo(Cmd.HN_SYNCED);
    assertThat(seen).extracting(HookEvent::hook).containsExactlyInAnyOrder("trigger", "echo", "after");
    // The echo's register answered with the seq its HN_REGISTER carried (2 or 3: it races "after").
    HookEvent echo = seen.stream().filter(event -> event.hook().equals("echo")).findFirst().orElseThrow();
    assertThat(Await.result(fromCallback.get(0))).isEqualTo(echo.seq());
    assertThat(seen).extracting(HookEvent::seq).containsExactly(1L, 2L, 3L);
    Await.until("the failing callback to be told of all three", Duration.ofSeconds(10), () -> failing.size() == 4);
    assertThat(slow.size()).as("the slow callback is still at its first event or two").isLessThan(4);
    Await.until("the slow callback to catch up", Duration.ofSeconds(10), () -> slow.size() == 4);
    assertThat(slow).extracting(HookEvent::seq).containsExactly(0L, 1L, 2L, 3L);
  }

  @Test
  void whatAnEarlierProcessOfANodeRegisteredGoesAsNodeLeftWhenItStartsAgainUnderItsName() {
    String family = family();
    Callback seen = new Callback();
    Await.result(registries.get(0).notifyRegister(family, "PHYSICAL_IN", seen));
    Await.result(registries.get(2).register(family, "PHYSICAL_IN", "earlier", Hint.NONE, null, call -> 0));
    seen.await(2);
    // n3's registry stops without a word, as a killed process does, and starts again under its name before the
    // others could see it leave (here they never do: its member stays).
    Await.result(cluster.vertx(2).undeploy(deployments.get(2)));
    HookRegistryVerticle again = new HookRegistryVerticle(cluster.node(2));
    deployments.set(2, Await.result(cluster.vertx(2).deployVerticle(again)));
    registries.set(2, again.registry());
    Await.result(again.registry().register(family, "PHYSICAL_IN", "now", Hint.NONE, null, call -> 0));

    assertThat(seen.await(4).subList(2, 4)).extracting(e -> e.hook() + " " + e.cmd() + " " + e.cause() + " "
        + e.node()).containsExactlyInAnyOrder("earlier HN_UNREGISTER NODE_LEFT n3", "now HN_REGISTER REGISTERED n3");
    assertThat(Await.result(registries.get(1).list(family, "PHYSICAL_IN")).events().get(0).hooks())
        .extracting(Replies.HookInfo::hook).containsExactly("now");
    assertThat(seen.all()).hasSize(4);
  }

  /** A callback that records what it is told. */
  static final class Callback implements io.vertx.core.Handler<HookEvent> {
    private final List<HookEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void handle(HookEvent event) {
      events.add(event);
    }

    List<HookEvent> all() {
      return new ArrayList<>(events);
    }

    List<HookEvent> await(int count) {
      Await.until(count + " hook events", Duration.ofSeconds(20), () -> events.size() >= count);
      return all();
    }
  }
}
