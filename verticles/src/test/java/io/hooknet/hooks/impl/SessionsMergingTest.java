package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.Sessions;
import io.hooknet.hooks.impl.SessionProcessor.SessionState;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node forgets what a session registered through it when the session resumes at another node, which adopts it
 * from the stored registry; while the node is merging back, what the session registered on its side of the split
 * may be in no family the cluster kept, so it is kept until the node has asserted it after the merge. A session's
 * entry read while the node merges back may be the other side's passing copy: no clean-up starts on it then; and a
 * session a merge brings back while its clean-up runs ends for good.
 */
class SessionsMergingTest {

  private static LocalCluster cluster;
  private static Vertx vertx;
  private static Context context;
  private static SessionsImpl sessions;
  private static final Ownership ownership = new Ownership();
  private static IMap<String, byte[]> entries;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(SessionsMergingTest.class, 1);
    vertx = cluster.vertx(0);
    context = vertx.getOrCreateContext();
    String node = cluster.node(0).nodeName();
    FamilyStore store = new FamilyStore(vertx, context, cluster.node(0).hazelcast(), 16, 5_000);
    Deliveries deliveries = new Deliveries(vertx, node, () -> Set.of(node), (key, session, last) -> { }, 2_000,
        lost -> { }, session -> { }, address -> false);
    sessions = new SessionsImpl(vertx, context, node, cluster.node(0).hazelcast(), () -> Set.of(node), 10, store,
        deliveries, ownership, why -> { });
    entries = cluster.node(0).hazelcast().getMap(SessionsImpl.MAP);
    CompletableFuture<Void> started = new CompletableFuture<>();
    context.runOnContext(v -> {
      sessions.start();
      started.complete(null);
    });
    Await.result(Future.fromCompletionStage(started));
  }

  @AfterAll
  static void stop() {
    context.runOnContext(v -> sessions.stop());
    cluster.close();
  }

  private static void owns(String session, String hook) {
    ownership.registered(new HookCommand.HookRegister("inet", "IN", hook, null, null,
        "hooknet.client." + session + "." + hook), new Owner(cluster.node(0).nodeName(), session), 1_000);
  }

  private static void resumedElsewhere(String session) {
    vertx.eventBus().publish(SessionsImpl.RESUMED, new JsonObject().put("session", session).put("node", "other")
        .put("attachment", 2).put("members", new JsonArray().add(cluster.node(0).nodeName()).add("other")));
  }

  private static List<String> held(String session) {
    return ownership.of(OwnerOps.ofSession(session)).stream()
        .map(owned -> ((HookCommand.HookRegister) owned.command()).hook()).toList();
  }

  /**
   * Publishes {@code session}'s resume at another node and gives what this node holds of the session right after
   * it handled the resume: a consumer of the same address on the same event loop, registered after the sessions',
   * gets each message after it.
   */
  private static List<String> afterResume(String session) {
    CompletableFuture<List<String>> seen = new CompletableFuture<>();
    CompletableFuture<Void> listening = new CompletableFuture<>();
    context.runOnContext(v -> {
      MessageConsumer<JsonObject> after = vertx.eventBus().consumer(SessionsImpl.RESUMED);
      after.handler(message -> {
        seen.complete(held(session));
        after.unregister();
      });
      after.completion().onComplete(done -> listening.complete(null));
    });
    Await.result(Future.fromCompletionStage(listening));
    resumedElsewhere(session);
    return Await.result(Future.fromCompletionStage(seen));
  }

  private static List<String> onLoop(Runnable action, Supplier<List<String>> then) {
    CompletableFuture<List<String>> seen = new CompletableFuture<>();
    context.runOnContext(v -> {
      action.run();
      seen.complete(then.get());
    });
    return Await.result(Future.fromCompletionStage(seen));
  }

  @Test
  void anotherOwnersRegistrationOfANameThisNodeHeldGivesTheRegistrationItDisplaced() {
    Owner first = new Owner(cluster.node(0).nodeName(), "s-7");
    Owner second = new Owner(cluster.node(0).nodeName(), "s-8");
    HookCommand.HookRegister register = new HookCommand.HookRegister("inet", "IN", "d", null, null, "addr.d");
    assertThat(ownership.registered(register, first, 1_000)).isNull();
    assertThat(ownership.registered(register, first, 2_000)).isNull();
    OwnerOps.Owned displaced = ownership.registered(register, second, 3_000);
    assertThat(displaced.owner()).isEqualTo(first);
    assertThat(displaced.registeredAt()).isEqualTo(1_000);
    Effects.Lost lost = OwnerOps.lost("inet", displaced, new io.hooknet.codec.ChangeId(0, 9));
    assertThat(lost.event().cmd()).isEqualTo(io.hooknet.codec.HookEvent.Cmd.HN_UNREGISTER);
    assertThat(lost.event().cause()).isEqualTo(Cause.MERGE_CONFLICT);
    assertThat(List.of(lost.event().hook(), lost.event().session(), lost.event().seq())).containsExactly("d", "s-7",
        9L);
    assertThat(held("s-7")).isEmpty();
    assertThat(held("s-8")).containsExactly("d");
  }

  @Test
  void whatASessionRegisteredHereIsForgottenWhenItResumesElsewhereOnlyOnceAMergeIsAsserted() {
    assertThat(onLoop(() -> owns("s-1", "a"), () -> held("s-1"))).containsExactly("a");
    assertThat(afterResume("s-1")).isEmpty();

    assertThat(onLoop(() -> {
      owns("s-2", "b");
      sessions.merging();
    }, () -> held("s-2"))).containsExactly("b");
    assertThat(afterResume("s-2")).containsExactly("b");
    assertThat(onLoop(sessions::merged, () -> held("s-2"))).isEmpty();
  }

  /**
   * A merge asks to connect again the sessions this node has connections for; meanwhile a session's client, whose
   * connection here had closed, comes back here on a new one. The resume is applied first, so the merge's step for
   * the old connection is refused — and the new connection, the session's now, stays open and the session's.
   */
  @Test
  void aResumeHereWhileTheMergeAsksKeepsItsNewConnection() {
    List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
    Sessions.Session first = Await.result(sessions.open(null, () -> closed.add("first")));
    CompletableFuture<Future<List<String>>> asked = new CompletableFuture<>();
    CompletableFuture<Future<Sessions.Session>> resumed = new CompletableFuture<>();
    context.runOnContext(v -> {
      // Both steps go to the session's entry in this order: the resume's, then the merge's.
      resumed.complete(sessions.open(first.id(), () -> closed.add("second")));
      asked.complete(sessions.reattach());
    });
    Sessions.Session second = Await.result(Future.fromCompletionStage(resumed).compose(f -> f));
    List<String> live = Await.result(Future.fromCompletionStage(asked).compose(f -> f));
    assertThat(second.resumed()).isTrue();
    assertThat(second.attachment()).isGreaterThan(first.attachment());
    assertThat(live).containsExactly(first.id());
    assertThat(closed).containsExactly("first");
    assertThat(Await.result(onContext(() -> sessions.info(first.id()))).session()).isEqualTo(first.id());
    Await.result(onContext(() -> sessions.close(first.id())));
  }

  /**
   * The other side of a split ended a session connected here, for this node's absence; while this node merges back
   * its entry is that side's copy for a while, before the merge keeps this side's, where the client stayed. No
   * sweep starts the clean-up on the passing copy: the session goes on, with what it owns.
   */
  @Test
  void aSessionEndedOnTheOtherSideIsNotCleanedUpHereWhileThisNodeMergesBack() {
    Sessions.Session session = Await.result(sessions.open(null, () -> { }));
    String node = cluster.node(0).nodeName();
    assertThat(onLoop(() -> {
      owns(session.id(), "m");
      sessions.merging();
    }, () -> held(session.id()))).containsExactly("m");
    entries.set(session.id(), Mapping.toCborBytes(new SessionState(session.id(), "other", session.attachment(), false,
        0, Cause.NODE_LEFT, true)));
    holds("the other side's copy to stay as it is, through three sweeps", Duration.ofMillis(3 * SessionsImpl.SWEEP_MILLIS),
        () -> {
          SessionState state = state(session.id());
          return state.ending() && !state.cleaned();
        });
    assertThat(onLoop(() -> { }, () -> held(session.id()))).containsExactly("m");

    // The merge keeps this side's copy, and is asserted.
    entries.set(session.id(), Mapping.toCborBytes(new SessionState(session.id(), node, session.attachment(), true, 0,
        null, false)));
    assertThat(onLoop(sessions::merged, () -> held(session.id()))).containsExactly("m");
    holds("the session to stay connected here, through three sweeps", Duration.ofMillis(3 * SessionsImpl.SWEEP_MILLIS),
        () -> state(session.id()).connected() && !state(session.id()).ending());
    assertThat(onLoop(() -> { }, () -> held(session.id()))).containsExactly("m");
    Await.result(onContext(() -> sessions.close(session.id())));
  }

  /**
   * A session's clean-up has removed what it owned, and a merge has brought back the side where it stayed connected
   * here meanwhile. Nothing would tell its client that its registrations are gone: it ends for good, and its
   * connection here is closed so that its client learns it on resuming.
   */
  @Test
  void aSessionBroughtBackWhileItsCleanUpRanEndsForGoodAndItsConnectionCloses() {
    List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
    Sessions.Session session = Await.result(sessions.open(null, () -> closed.add("connection")));
    assertThat(state(session.id()).connected()).isTrue();

    Await.result(onContext(() -> sessions.cleanedUp(session.id(), Cause.NODE_LEFT)));
    SessionState state = state(session.id());
    assertThat(state.ending()).isTrue();
    assertThat(state.cleaned()).isTrue();
    assertThat(state.connected()).isFalse();
    assertThat(state.cause()).isEqualTo(Cause.NODE_LEFT);
    Await.until("its connection here to close", Duration.ofMillis(3 * SessionsImpl.CHECK_MILLIS),
        () -> closed.equals(List.of("connection")));
    assertThat(Await.failure(Await.result(onContext(() -> Future.succeededFuture(sessions.info(session.id()))))))
        .hasMessageContaining("ESRCH");
  }

  private static SessionState state(String session) {
    return Mapping.fromCborBytes(entries.get(session), SessionState.class);
  }

  /** Checks {@code condition} every 50 ms for {@code duration}; fails the first time it does not hold. */
  private static void holds(String what, Duration duration, BooleanSupplier condition) {
    long deadline = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(condition.getAsBoolean()).as(what).isTrue();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static <T> Future<T> onContext(Supplier<Future<T>> call) {
    CompletableFuture<Future<T>> made = new CompletableFuture<>();
    context.runOnContext(v -> made.complete(call.get()));
    return Future.fromCompletionStage(made).compose(f -> f);
  }
}
