package io.hooknet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.HooknetMessage;
import io.hooknet.codec.Json;
import io.hooknet.codec.Replies;
import io.hooknet.codec.Samples;
import io.hooknet.codec.SockEvent;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every message type crosses between two clustered nodes through its codec and arrives equal. */
class CrossNodeCodecTest {

  private static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(CrossNodeCodecTest.class, 2);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void everySampleCrossesUnchanged() {
    List<Object> received = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> consumer = cluster.vertx(1).eventBus().consumer("test.codecs", message -> {
      received.add(message.body());
      message.reply(new Replies.Ack(received.size()));
    });
    Await.result(consumer.completion());
    try {
      List<HooknetMessage> samples = Samples.all();
      for (int i = 0; i < samples.size(); i++) {
        Message<Object> reply = Await.result(cluster.vertx(0).eventBus().request("test.codecs", samples.get(i)));
        assertThat(reply.body()).isEqualTo(new Replies.Ack(i + 1));
      }
      assertThat(received).containsExactlyElementsOf(samples);
    } finally {
      Await.result(consumer.unregister());
    }
  }

  @Test
  void publishReachesTheOtherNode() {
    List<Object> received = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> consumer = cluster.vertx(1).eventBus().consumer("test.publish", m -> received.add(m.body()));
    Await.result(consumer.completion());
    try {
      SockEvent event = SockEvent.of("n1", "default", 3, 0, SockEvent.TX, 0, 0, 0, 1, 7);
      cluster.vertx(0).eventBus().publish("test.publish", event);
      Await.until("the event on n2", Await.DEFAULT, () -> received.size() == 1);
      assertThat(received).containsExactly(event);
    } finally {
      Await.result(consumer.unregister());
    }
  }

  @Test
  void errnoFailuresCrossWithTheirCode() {
    MessageConsumer<Object> consumer = cluster.vertx(1).eventBus().consumer("test.fail", message -> {
      HooknetException e = new HooknetException(Errno.EBUSY, "channel 3 is taken");
      message.fail(e.errno(), e.getMessage());
    });
    Await.result(consumer.completion());
    try {
      HooknetException e = HooknetException.from(
          Await.failure(cluster.vertx(0).eventBus().request("test.fail", new JsonObject())));
      assertThat(e.errno()).isEqualTo(16);
      assertThat(e.getMessage()).isEqualTo("EBUSY: channel 3 is taken");
    } finally {
      Await.result(consumer.unregister());
    }
  }

  @Test
  void jsonBodiesAreReadAsRecords() {
    MessageConsumer<Object> consumer = cluster.vertx(1).eventBus().consumer("test.json", message -> {
      try {
        message.reply(Json.body(message.body(), SockEvent.class));
      } catch (HooknetException e) {
        message.fail(e.errno(), e.getMessage());
      }
    });
    Await.result(consumer.completion());
    try {
      SockEvent event = SockEvent.of("n1", "default", 3, 0, SockEvent.RX, -1, 104, 2, 9, 7);
      assertThat(Await.result(cluster.vertx(0).eventBus().request("test.json", Json.toJson(event))).body())
          .isEqualTo(event);
      HooknetException e = HooknetException.from(Await.failure(
          cluster.vertx(0).eventBus().request("test.json", Json.toJson(event).put("txRx", "rx"))));
      assertThat(e.errno()).isEqualTo(22);
      assertThat(e.getMessage()).isEqualTo("EINVAL: invalid SockEvent: field 'txRx' has the wrong type (expected an integer)");
    } finally {
      Await.result(consumer.unregister());
    }
  }
}
