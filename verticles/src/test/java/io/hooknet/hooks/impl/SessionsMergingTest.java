package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.HookCommand;
import io.hooknet.hooks.Sessions;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node forgets what a session registered through it when the session resumes at another node, which adopts it
 * from the stored registry; while the node is merging back, what the session registered on its side of the split
 * may be in no family the cluster kept, so it is kept until the node has asserted it after the merge.
 */
class SessionsMergingTest {

  private static LocalCluster cluster;
  private static Vertx vertx;
  private static Context context;
  private static SessionsImpl sessions;
  private static final Ownership ownership = new Ownership();

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

  private static <T> Future<T> onContext(Supplier<Future<T>> call) {
    CompletableFuture<Future<T>> made = new CompletableFuture<>();
    context.runOnContext(v -> made.complete(call.get()));
    return Future.fromCompletionStage(made).compose(f -> f);
  }
}
