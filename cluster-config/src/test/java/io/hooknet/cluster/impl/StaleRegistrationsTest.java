package io.hooknet.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.multimap.MultiMap;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A registration of a node that is no longer a member, left in Vert.x's record of consumers as a sweep cut short
 * by a stuck migration or undone by a merge leaves it: sends to its address fail in turn with those to the live
 * consumer, until the next change of the cluster has the nodes sweep it away.
 */
class StaleRegistrationsTest {

  private static final String ADDRESS = "stale-registrations-test";
  private static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(2_000);

  private final LocalCluster cluster = LocalCluster.start(StaleRegistrationsTest.class, 3);

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aDepartedNodesRegistrationIsSweptAfterTheNextChangeAndEverySendReachesTheLiveConsumer() {
    Await.result(cluster.vertx(0).eventBus().consumer(ADDRESS, message -> message.reply("n1")).completion());
    MultiMap<String, HazelcastRegistrationInfo> subs = cluster.node(0).hazelcast()
        .getMultiMap(StaleRegistrations.SUBS);
    HazelcastRegistrationInfo stale = new HazelcastRegistrationInfo(
        new RegistrationInfo(UUID.randomUUID().toString(), 0, false));
    subs.put(ADDRESS, stale);
    Await.until("n2 to see two consumers", Duration.ofSeconds(10), () -> answered(10) < 10);

    cluster.stop(2);
    Await.until("the departed node's registration to be swept", Duration.ofSeconds(30),
        () -> !subs.containsEntry(ADDRESS, stale));
    assertThat(subs.get(ADDRESS)).extracting(info -> info.unwrap().nodeId())
        .containsExactly((String) cluster.node(0).hazelcast().getCluster().getLocalMember()
            .getAttribute("__vertx.nodeId"));
    Await.until("n2 to see one consumer", Duration.ofSeconds(10), () -> answered(1) == 1);
    assertThat(answered(20)).isEqualTo(20);
  }

  /** How many of {@code count} requests from n2 to the address are answered, by n1. */
  private int answered(int count) {
    List<Future<Object>> replies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      replies.add(cluster.vertx(1).eventBus().request(ADDRESS, "ping", SHORT).map(reply -> reply.body()));
    }
    Await.result(Future.join(replies).otherwiseEmpty());
    return (int) replies.stream().filter(reply -> reply.succeeded() && "n1".equals(reply.result())).count();
  }
}
