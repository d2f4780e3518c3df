package io.hooknet.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.EntryProcessor;
import io.hooknet.codec.Errno;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Replies;
import io.hooknet.testing.Await;
import io.hooknet.testing.BridgedRegistries;
import io.hooknet.testing.LocalCluster;
import io.hooknet.testing.TcpBridgeClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A change the cluster does not answer within the command timeout fails with {@code ETIMEDOUT} in time, each of
 * many waiting at once, through the Java API and to a client of the TCP bridge on the generic command address;
 * held back until after its deadline, it is refused where the family lives and changes nothing. A bridged command
 * whose session cannot be opened is answered with why, and the connection's next command opens it.
 */
class CommandTimeoutTest {

  private static final long TIMEOUT_MILLIS = 400;
  private static final String TOKEN = "timeout-token";
  /** What {@link Holder} waits for; a new one for each test. */
  private static volatile CountDownLatch released = new CountDownLatch(1);
  private static LocalCluster cluster;
  private static BridgedRegistries bridged;
  private static HookRegistry registry;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(CommandTimeoutTest.class, 1);
    bridged = BridgedRegistries.deploy(cluster, 1, TOKEN,
        new HookRegistryOptions().setCommandTimeoutMillis(TIMEOUT_MILLIS));
    registry = bridged.registry(0);
  }

  @AfterEach
  void release() {
    released.countDown();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** Holds the partition thread of its key until {@link #released}: every later change of that family waits. */
  private static final class Holder implements EntryProcessor<String, Object, Void>, Serializable {
    private static final long serialVersionUID = 1L;
    private final CountDownLatch until = released;

    @Override
    public Void process(Map.Entry<String, Object> entry) {
      try {
        until.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }

    @Override
    public EntryProcessor<String, Object, Void> getBackupProcessor() {
      return null;
    }
  }

  /** A family with event IN and the hook {@code first}, whose partition is then held; gives first's seq. */
  private static long heldFamily(String family) {
    Await.result(registry.addFamily(family));
    Await.result(registry.addEvent(family, "IN"));
    long first = Await.result(registry.register(family, "IN", "first", Hint.NONE, null, "addr.first"));
    released = new CountDownLatch(1);
    cluster.node(0).hazelcast().<String, Object>getMap("hooknet.hooks").submitToKey(family, new Holder());
    return first;
  }

  /** Releases the partition; once the next register is through, every held change has been refused there. */
  private static void releaseAndExpectOnlyFirstAndAfter(String family, long first) {
    released.countDown();
    long after = Await.result(registry.register(family, "IN", "after", Hint.NONE, null, "addr.after"));
    assertThat(after).isEqualTo(first + 1);
    Replies.HookChains chains = Await.result(registry.list(family, "IN"));
    assertThat(chains.events()).hasSize(1);
    assertThat(chains.events().get(0).hooks()).extracting(Replies.HookInfo::hook).containsExactly("first", "after");
  }

  @Test
  void changesHeldBeyondTheTimeoutFailInTimeAndAreNeverApplied() {
    long first = heldFamily("held");

    long started = System.nanoTime();
    List<Future<Long>> held = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      held.add(registry.register("held", "IN", "late" + i, Hint.NONE, null, "addr.late" + i));
    }
    for (int i = 0; i < held.size(); i++) {
      HooknetException failure = HooknetException.from(Await.failure(held.get(i)));
      assertThat(failure.errno()).isEqualTo(Errno.ETIMEDOUT.number());
      assertThat(failure.detail()).isEqualTo("change held: the cluster did not answer within 400 ms (a change may "
          + "or may not have been made)");
    }
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    // Not before the timeout; within a sweep (40 ms) of it, with room for a slow machine.
    assertThat(tookMillis).isBetween(TIMEOUT_MILLIS, TIMEOUT_MILLIS + 1_500);

    releaseAndExpectOnlyFirstAndAfter("held", first);
  }

  @Test
  void aBridgedClientsCommandHeldBeyondTheTimeoutIsAnsweredEtimedoutAndNeverApplied() {
    try (TcpBridgeClient client = bridged.client(0)) {
      client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session"));
      long first = heldFamily("bridged");
      long started = System.nanoTime();
      JsonObject reply = client.request(HookRegistry.COMMANDS, register("bridged", "late"));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(reply.getInteger("failureCode")).isEqualTo(Errno.ETIMEDOUT.number());
      assertThat(reply.getString("message")).isEqualTo("ETIMEDOUT: change bridged: the cluster did not answer "
          + "within 400 ms (a change may or may not have been made)");
      assertThat(tookMillis).isBetween(TIMEOUT_MILLIS, TIMEOUT_MILLIS + 1_500);

      releaseAndExpectOnlyFirstAndAfter("bridged", first);
      // The client sees the same chain on the generic address.
      JsonArray hooks = client.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "list").put("family", "bridged")
          .put("event", "IN")).getJsonArray("events").getJsonObject(0).getJsonArray("hooks");
      assertThat(hooks.stream().map(hook -> ((JsonObject) hook).getString("hook")).toList())
          .containsExactly("first", "after");
    }
  }

  @Test
  void aCommandWhoseSessionCannotOpenIsAnsweredWithWhyAndTheNextOneOpensIt() {
    Await.result(registry.addFamily("opening"));
    Await.result(registry.addEvent("opening", "IN"));
    try (TcpBridgeClient client = bridged.client(0)) {
      // Every partition thread held: the client's first command cannot open its session.
      released = new CountDownLatch(1);
      for (int key = 0; key < 64; key++) {
        cluster.node(0).hazelcast().<String, Object>getMap("timeout.hold").submitToKey("k" + key, new Holder());
      }
      JsonObject refused = client.request(HookRegistry.COMMANDS, register("opening", "h"));
      assertThat(refused.getInteger("failureCode")).isEqualTo(Errno.ETIMEDOUT.number());
      assertThat(refused.getString("message")).startsWith("ETIMEDOUT: session ")
          .endsWith(": the cluster did not answer within 400 ms (a change may or may not have been made)");

      released.countDown();
      JsonObject registered = client.ok(HookRegistry.COMMANDS, register("opening", "h"));
      assertThat(registered.getLong("seq")).isEqualTo(1L);
      Replies.HookChains chains = Await.result(registry.list("opening", "IN"));
      assertThat(chains.events().get(0).hooks()).extracting(Replies.HookInfo::hook).containsExactly("h");
      assertThat(chains.events().get(0).hooks().get(0).session()).isNotNull();
    }
  }

  private static JsonObject register(String family, String hook) {
    return new JsonObject().put("op", "hook.register").put("family", family).put("event", "IN").put("hook", hook)
        .put("address", "addr." + hook);
  }
}
