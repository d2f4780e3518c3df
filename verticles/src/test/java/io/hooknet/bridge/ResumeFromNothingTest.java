package io.hooknet.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.Errno;
import io.hooknet.codec.Hint;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryOptions;
import io.hooknet.testing.Await;
import io.hooknet.testing.BridgedRegistries;
import io.hooknet.testing.LocalCluster;
import io.hooknet.testing.TcpBridgeClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bridged client whose callback register was made but who saw nothing of its stream (the answer and the replay
 * were lost with its node) resumes it from nothing, {@code since: {epoch: 0, seq: 0}}, on another node, over the
 * generic command address: it gets the whole chain marked RESYNC, where a fresh register is refused with EEXIST.
 */
class ResumeFromNothingTest {

  private static final String TOKEN = "resume-" + UUID.randomUUID();
  private static LocalCluster cluster;
  private static BridgedRegistries bridged;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(ResumeFromNothingTest.class, 3);
    bridged = BridgedRegistries.deploy(cluster, 3, TOKEN, new HookRegistryOptions());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op).put("family", "fresh").put("event", "IN");
  }

  private static String describe(JsonObject event) {
    return event.getString("cmd") + " " + event.getString("hook") + " " + event.getString("cause") + " "
        + event.getLong("seq");
  }

  @Test
  void aCallbackWhoseClientSawNothingResumesFromNothingOnAnotherNodeWithTheWholeChain() {
    HookRegistry n2 = bridged.registry(1);
    Await.result(n2.addFamily("fresh"));
    Await.result(n2.addEvent("fresh", "IN"));
    Await.result(n2.register("fresh", "IN", "a", Hint.NONE, null, "addr.a"));
    Await.result(n2.register("fresh", "IN", "b", Hint.NONE, null, "addr.b"));
    String callback = "hooknet.client." + UUID.randomUUID() + ".cb";
    String session;
    try (TcpBridgeClient first = bridged.client(0)) {
      session = first.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getString("session");
      // The register is made, but nothing of its stream reaches this client: it listens at no address.
      first.ok(HookRegistry.COMMANDS, op("notify.register").put("address", callback));
      assertThat(first.messages(callback)).isEmpty();
    }
    // The node the client was on goes; the client comes back on another one within the grace period.
    cluster.stop(0);
    try (TcpBridgeClient back = bridged.client(1).session(session)) {
      assertThat(back.ok(HookRegistry.COMMANDS, new JsonObject().put("op", "session")).getBoolean("resumed"))
          .isTrue();
      back.register(callback);
      JsonObject fresh = back.request(HookRegistry.COMMANDS, op("notify.register").put("address", callback));
      assertThat(fresh.getInteger("failureCode")).isEqualTo(Errno.EEXIST.number());
      JsonObject resumed = back.ok(HookRegistry.COMMANDS, op("notify.register").put("address", callback)
          .put("since", new JsonObject().put("epoch", 0).put("seq", 0)));
      assertThat(resumed.getLong("seq")).isEqualTo(2L);
      assertThat(back.awaitMessages(callback, 3)).extracting(ResumeFromNothingTest::describe)
          .containsExactly("HN_REGISTER a RESYNC 2", "HN_REGISTER b RESYNC 2", "HN_SYNCED null RESYNC 2");
      // Live changes follow, once each.
      Await.result(n2.register("fresh", "IN", "c", Hint.NONE, null, "addr.c"));
      List<JsonObject> told = back.awaitMessages(callback, 4);
      assertThat(told).extracting(ResumeFromNothingTest::describe).containsExactly("HN_REGISTER a RESYNC 2",
          "HN_REGISTER b RESYNC 2", "HN_SYNCED null RESYNC 2", "HN_REGISTER c REGISTERED 3");
    }
  }
}
