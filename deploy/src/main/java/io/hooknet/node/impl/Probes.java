package io.hooknet.node.impl;

import com.hazelcast.core.HazelcastInstance;
import io.hooknet.cluster.HooknetCluster;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.logging.Filter;
import java.util.logging.Logger;

/**
 * What a node tells the outside about itself on its HTTP port: {@code /metrics} (Prometheus: Vert.x's own meters
 * and hooknet's, see {@code io.hooknet.metrics.HooknetMeters}), {@code /health} (liveness: the node's event loop
 * answers) and {@code /ready} (the node is a member, its partitions are safe, its registry and bridges are up).
 * Both health answers are JSON, 200 when UP and 503 when DOWN.
 *
 * <p>Whether the partitions are safe is asked of this member only ({@code isLocalMemberSafe}), never of the cluster
 * ({@code isClusterSafe}): Hazelcast answers the cluster-wide question with an operation on each member that holds
 * one of its two generic operation threads until the member's backups answer, up to 10 s while a member is frozen.
 * Probes asked every second or so then kept a member's generic threads busy long enough that it heard no heartbeat
 * from a healthy member for the heartbeat timeout and split from it. The dashboard shows every member's checks, so
 * the cluster's safety is there member by member.
 */
public final class Probes {

  /** How long whether the partitions are safe is answered without asking Hazelcast again. */
  static final Duration PARTITIONS_FRESH = Duration.ofSeconds(1);

  private Probes() {
  }

  /**
   * Where Micrometer warns, once per process, that a gauge was registered again and the registration ignored.
   * Vert.x's metrics register each of their gauges ({@code vertx.eventbus.handlers}, ...) once per handler or
   * connection on purpose, all registrations counting into one shared value, so the warning says nothing wrong about
   * them (vert-x3/vertx-micrometer-metrics#259, micrometer-metrics/micrometer#6931); yet every node logged it at its
   * start. It is dropped for Vert.x's gauges, once, as this class loads; for any other gauge it stays, and a filter
   * already on the logger keeps deciding the rest. Held here: a logger's filter lives only as long as the logger does.
   */
  private static final Logger GAUGE_REGISTRATIONS = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  static {
    Filter before = GAUGE_REGISTRATIONS.getFilter();
    GAUGE_REGISTRATIONS.setFilter(record -> !(record.getMessage() != null
        && record.getMessage().startsWith("This Gauge has been already registered (MeterId{name='vertx."))
        && (before == null || before.isLoggable(record)));
  }

  /** The Vert.x options of a node whose meters {@code /metrics} serves. */
  public static VertxOptions vertxOptions() {
    return HooknetCluster.vertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setJvmMetricsEnabled(true).setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }

  /** Adds hooknet's meters to the node's Prometheus registry (once the node's Vert.x runs). */
  public static void publishHooknetMeters() {
    Metrics.addRegistry(BackendRegistries.getDefaultNow());
  }

  /**
   * Mounts the three endpoints; {@code registryUp} and {@code bridgesUp} say whether those parts run. Gives the
   * readiness checks, which the dashboard shows for every member.
   */
  public static HealthChecks mount(Router router, HooknetCluster cluster, BooleanSupplier registryUp,
      BooleanSupplier bridgesUp) {
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    HealthChecks live = HealthChecks.create(cluster.vertx())
        .register("node", promise -> promise.complete(Status.OK(new JsonObject().put("node", cluster.nodeName()))));
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(live));

    HazelcastInstance hazelcast = cluster.hazelcast();
    SingleFlight<Boolean> partitionsSafe = new SingleFlight<>(cluster.vertx(), () ->
        hazelcast.getLifecycleService().isRunning() && hazelcast.getPartitionService().isLocalMemberSafe(),
        PARTITIONS_FRESH);
    HealthChecks ready = HealthChecks.create(cluster.vertx())
        .register("cluster", promise -> {
          boolean member = hazelcast.getLifecycleService().isRunning()
              && cluster.memberNames().contains(cluster.nodeName());
          promise.complete(new Status().setOk(member).setData(new JsonObject()
              .put("cluster", cluster.clusterName()).put("members", cluster.memberNames().size())));
        })
        // isLocalMemberSafe waits for the member's backups, so it runs off the event loop, one at a time; when it
        // takes longer than the check's timeout the check has already answered DOWN, and the late answer is dropped.
        .register("partitions", 5_000, promise -> partitionsSafe.ask()
            .onComplete(safe -> promise.tryComplete(new Status().setOk(safe.succeeded() && safe.result()))))
        .register("registry", promise -> promise.complete(new Status().setOk(registryUp.getAsBoolean())))
        .register("bridges", promise -> promise.complete(new Status().setOk(bridgesUp.getAsBoolean())));
    router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    return ready;
  }
}
