package io.hooknet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.hooknet.testing.LogCapture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A node's route keepers let go quietly: nothing on its way to them when they go is logged as discarded. */
class PublishRoutesTest {

  private static final Logger CONSUMERS = Logger.getLogger("io.vertx.core.eventbus.impl.MessageConsumerImpl");
  private static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(PublishRoutesTest.class, 1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void releasedRightAfterABurstOfPublishesItDropsThemWithoutAWarning() throws Exception {
    assertThat(warningsOfAReleaseBetween("routes.burst", 20_000, 0)).isEmpty();
  }

  @Test
  void releasedBetweenTwoBurstsItDropsWhatWasStillQueuedWithoutAWarning() throws Exception {
    // Messages queued for the consumers both before and after the release is asked for: those before are still on
    // their way when the consumers go.
    assertThat(warningsOfAReleaseBetween("routes.between", 10_000, 10_000)).isEmpty();
  }

  /**
   * What the consumers log when, on the context that keeps the route of {@code address}, {@code before} messages
   * are published to it, the release is asked for, and {@code after} more are published.
   */
  private static List<String> warningsOfAReleaseBetween(String address, int before, int after) throws Exception {
    return capture(() -> {
      Context context = cluster.vertx(0).getOrCreateContext();
      PublishRoutes routes = keepRouted(context, address);
      Promise<Void> released = Promise.promise();
      context.runOnContext(v -> {
        for (int i = 0; i < before; i++) {
          cluster.vertx(0).eventBus().publish(address, new JsonObject().put("i", i));
        }
        routes.release().onComplete(released);
        for (int i = before; i < before + after; i++) {
          cluster.vertx(0).eventBus().publish(address, new JsonObject().put("i", i));
        }
      });
      Await.result(released.future());
      Await.result(Future.future(done -> context.runOnContext(v -> done.complete())));
    });
  }

  /** Keeps the route of {@code address} on {@code context}, once a publish to it is known to find its consumers. */
  private static PublishRoutes keepRouted(Context context, String address) {
    // A consumer of the test's own tells when the route is known, as it is on a node publishing all along.
    Promise<Void> routed = Promise.promise();
    cluster.vertx(0).eventBus().localConsumer(address, message -> routed.tryComplete());
    PublishRoutes[] routes = new PublishRoutes[1];
    Await.result(Future.<Void>future(ready -> context.runOnContext(v -> {
      routes[0] = PublishRoutes.keep(cluster.vertx(0), address);
      routes[0].consumersReady().onComplete(ready);
    })));
    cluster.vertx(0).eventBus().publish(address, new JsonObject());
    Await.result(routed.future());
    return routes[0];
  }

  /** The warnings Vert.x's consumers log while {@code action} runs. */
  private static List<String> capture(Action action) throws Exception {
    try (LogCapture warnings = LogCapture.of(CONSUMERS)) {
      action.run();
      return warnings.messages();
    }
  }

  private interface Action {
    void run() throws Exception;
  }
}
