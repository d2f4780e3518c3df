package io.hooknet.sockets.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A pool's events leave from its loop one at a time and from a thread of their own in a burst, in order. */
class EventPublisherTest {

  private static final String ADDRESS = "publisher.test";
  private static final String THREAD = "hooknet-pool-test-events";
  private static final int BURST = 20_000;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  void aLoneEventLeavesFromTheLoopABurstFromThePublishingThreadAndAllArriveInOrder() {
    Map<Integer, String> sentBy = new ConcurrentHashMap<>();
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      sentBy.put(((JsonObject) delivery.message().body()).getInteger("n"), Thread.currentThread().getName());
      delivery.next();
    });
    List<Integer> received = new CopyOnWriteArrayList<>();
    Await.result(vertx.eventBus().<JsonObject>consumer(ADDRESS, message -> received.add(message.body()
        .getInteger("n"))).completion());
    Context loop = vertx.getOrCreateContext();
    String[] loopThread = new String[1];
    EventPublisher publisher = new EventPublisher(vertx.eventBus(), ADDRESS, THREAD);
    loop.runOnContext(v -> {
      loopThread[0] = Thread.currentThread().getName();
      for (int n = 0; n < BURST; n++) {
        publisher.publish(new JsonObject().put("n", n));
      }
      // Past the burst's bound, while the thread still has most of the burst to publish: this one waits behind it.
      long after = System.nanoTime() + 2 * EventPublisher.BURST_MICROS * 1000;
      while (System.nanoTime() < after) {
        Thread.onSpinWait();
      }
      publisher.publish(new JsonObject().put("n", BURST));
    });
    Await.until("the burst", Duration.ofSeconds(10), () -> received.size() == BURST + 1);
    // Well after the burst, once the thread has published it all: a lone event again.
    loop.runOnContext(v -> vertx.setTimer(20, id -> publisher.publish(new JsonObject().put("n", BURST + 1))));
    Await.until("the lone event", Duration.ofSeconds(10), () -> received.size() == BURST + 2);

    assertThat(received).containsExactlyElementsOf(IntStream.rangeClosed(0, BURST + 1).boxed().toList());
    assertThat(sentBy.get(0)).isEqualTo(loopThread[0]);
    assertThat(sentBy.get(BURST - 1)).isEqualTo(THREAD);
    assertThat(sentBy.get(BURST)).as("given while the burst still waited").isEqualTo(THREAD);
    assertThat(sentBy.get(BURST + 1)).isEqualTo(loopThread[0]);
  }
}
