package io.hooknet.metrics;

import io.hooknet.codec.Errno;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * hooknet's own meters, on Micrometer's {@link Metrics#globalRegistry}: they cost next to nothing until the
 * application adds a registry there (the node adds its Prometheus registry, see {@code docs/operations.md}). One
 * place names them all, with their tags.
 */
public final class HooknetMeters {

  /**
   * The meters of every sock event, registry change and command, by their tags' values: found here instead of being built and
   * looked up in the registry on each change. A meter of the global registry stays valid as registries are added to
   * it.
   */
  private static final Map<List<Object>, Counter> SOCK_EVENTS = new ConcurrentHashMap<>();
  private static final Map<List<String>, Counter> CHANGES = new ConcurrentHashMap<>();
  private static final Map<List<String>, Timer> COMMANDS = new ConcurrentHashMap<>();

  private HooknetMeters() {
  }

  static MeterRegistry registry() {
    return Metrics.globalRegistry;
  }

  /**
   * The counter of the sock events made by {@code pool} on {@code channel} in direction {@code txRx} with
   * {@code errno} ({@code 0} for an end of read).
   */
  public static Counter sockEvents(String pool, int channel, int txRx, int errno) {
    return SOCK_EVENTS.computeIfAbsent(List.of(pool, channel, txRx, errno), tags -> Counter.builder(
        "hooknet.sock.events")
        .description("Sock events (socket faults) made by the pool")
        .tags("pool", pool, "channel", Integer.toString(channel), "txrx", txRx == 0 ? "tx" : "rx",
            "errno", errnoName(errno))
        .register(registry()));
  }

  /** Packets switched on a channel of {@code pool}, in {@code direction} ({@code tx}: read from the application). */
  public static Counter packets(String pool, int channel, String direction) {
    return Counter.builder("hooknet.switch.packets").description("Packets switched, per pool, channel and direction")
        .tags("pool", pool, "channel", Integer.toString(channel), "direction", direction).register(registry());
  }

  /** Bytes switched on a channel of {@code pool}, in {@code direction}. */
  public static Counter bytes(String pool, int channel, String direction) {
    return Counter.builder("hooknet.switch.bytes").description("Payload bytes switched").baseUnit("bytes")
        .tags("pool", pool, "channel", Integer.toString(channel), "direction", direction).register(registry());
  }

  /** A packet of {@code pool} dropped for {@code reason}. */
  public static Counter drops(String pool, int channel, String reason) {
    return Counter.builder("hooknet.switch.drops").description("Packets dropped, by reason")
        .tags("pool", pool, "channel", Integer.toString(channel), "reason", reason).register(registry());
  }

  /**
   * A registry change made on this member (its family's owner): a hook ({@code level} {@code hook}) or an event
   * ({@code event}) registered or unregistered, with its cause.
   */
  public static void registryChange(String family, String level, String cmd, String cause) {
    CHANGES.computeIfAbsent(List.of(family, level, cmd, cause), tags -> Counter.builder("hooknet.registry.changes")
        .description("Hook registry changes made on this member, the owner of their family's entry")
        .tags("family", family, "level", level, "cmd", cmd, "cause", cause).register(registry())).increment();
  }

  /** The latency of a registry command, with its outcome ({@code ok} or the errno's name). */
  public static Timer command(String op, String outcome) {
    return COMMANDS.computeIfAbsent(List.of(op, outcome), tags -> Timer.builder("hooknet.registry.commands")
        .description("Registry commands carried out on this node")
        .tags("op", op, "outcome", outcome).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry()));
  }

  /** The callbacks of one event this node delivers to, counted by {@code count}. */
  public static void callbacks(String family, String event, Supplier<Number> count) {
    Gauge.builder("hooknet.callbacks", count).description("Notify callbacks this node delivers to, per event")
        .tags("family", family, "event", event).register(registry());
  }

  /**
   * How long a change took from the member that made it (its family's owner) to the node that delivers it to a
   * callback.
   */
  public static void callbackLag(Duration lag) {
    Timer.builder("hooknet.callback.lag").description("Time from a registry change to its delivery")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30)).register(registry()).record(lag);
  }

  /** A gap in a callback's stream that stayed open and was filled from the history or by a RESYNC replay. */
  public static void gapFilled() {
    Counter.builder("hooknet.callback.gaps").description("Gaps in callback streams filled after the gap timeout")
        .register(registry()).increment();
  }

  /**
   * A callback's stream got a change of another lineage of its family (replaced by a merge without this node taking
   * part) and was brought over to it from the family as it is.
   */
  public static void lineageChanged() {
    Counter.builder("hooknet.callback.lineage.switches")
        .description("Callback streams brought over to another lineage of their family after a merge")
        .register(registry()).increment();
  }

  /** The bridge sessions connected to this node, counted by {@code count}. */
  public static void bridgeSessions(Supplier<Number> count) {
    Gauge.builder("hooknet.bridge.sessions", count).description("Bridge sessions connected to this node")
        .register(registry());
  }

  /** A frame from a bridged client refused for {@code reason}. */
  public static void refused(String bridge, String reason) {
    Counter.builder("hooknet.bridge.refused").description("Bridge frames refused, by reason")
        .tags("bridge", bridge, "reason", reason).register(registry()).increment();
  }

  private static String errnoName(int errno) {
    return errno == 0 ? "0" : Errno.of(errno).map(Enum::name).orElse(Integer.toString(errno));
  }
}
