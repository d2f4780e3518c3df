package io.hooknet.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.EntryProcessor;
import io.hooknet.codec.Errno;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Replies;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.Future;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A change the cluster does not answer within the command timeout fails with {@code ETIMEDOUT} in time, each of
 * many waiting at once; held back until after its deadline, it is refused where the family lives and changes
 * nothing.
 */
class CommandTimeoutTest {

  private static final long TIMEOUT_MILLIS = 400;
  private static final CountDownLatch RELEASED = new CountDownLatch(1);
  private static LocalCluster cluster;
  private static HookRegistry registry;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(CommandTimeoutTest.class, 1);
    HookRegistryVerticle verticle = new HookRegistryVerticle(cluster.node(0),
        new HookRegistryOptions().setCommandTimeoutMillis(TIMEOUT_MILLIS));
    Await.result(cluster.vertx(0).deployVerticle(verticle));
    registry = verticle.registry();
  }

  @AfterAll
  static void stop() {
    RELEASED.countDown();
    cluster.close();
  }

  /** Holds the partition thread of its key until {@link #RELEASED}: every later change of that family waits. */
  private static final class Holder implements EntryProcessor<String, Object, Void>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Void process(Map.Entry<String, Object> entry) {
      try {
        RELEASED.await(60, TimeUnit.SECONDS);
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

  @Test
  void changesHeldBeyondTheTimeoutFailInTimeAndAreNeverApplied() {
    Await.result(registry.addFamily("held"));
    Await.result(registry.addEvent("held", "IN"));
    long before = Await.result(registry.register("held", "IN", "first", Hint.NONE, null, "addr.first"));
    cluster.node(0).hazelcast().<String, Object>getMap("hooknet.hooks").submitToKey("held", new Holder());

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

    RELEASED.countDown();
    // The partition runs its queue in order: once this one is through, every held change has been refused there.
    long after = Await.result(registry.register("held", "IN", "after", Hint.NONE, null, "addr.after"));
    assertThat(after).isEqualTo(before + 1);
    Replies.HookChains chains = Await.result(registry.list("held", "IN"));
    assertThat(chains.events()).hasSize(1);
    assertThat(chains.events().get(0).hooks()).extracting(Replies.HookInfo::hook).containsExactly("first", "after");
  }
}
