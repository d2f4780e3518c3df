package io.hooknet.node;

import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.cluster.ClusterOptions;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Json;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryOptions;
import io.hooknet.node.NodeCommand.RunningNode;
import io.hooknet.node.impl.NodeSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * The robustness run's Java client: a node started with the {@code node} command's arguments that, in the same JVM,
 * uses the {@link HookRegistry} Java API as an application embedding hooknet would — hooks served by functions,
 * owned by the node and gone when it dies; a notify callback kept from start to end — on the run's colliding
 * names. Each operation with its answer and each event its callback receives is printed as a line
 * {@code record <json>}, with times on this machine's monotonic clock relative to {@code robustness.origin}, so
 * that a node killed mid-run has still told everything it saw. System properties: {@code robustness.seed},
 * {@code robustness.origin} and {@code robustness.deadline} ({@link System#nanoTime()} of the run's start and end;
 * Linux's monotonic clock is one for all processes).
 */
public final class JavaRegistryClient {

  private final HookRegistry registry;
  private final String node;
  private final long origin;
  private final Random random;
  private final List<String> own = new ArrayList<>();
  private String stream;
  /** The name the current callback's events are recorded under. */
  private String streamName;

  private JavaRegistryClient(HookRegistry registry, long origin, Random random) {
    this.registry = registry;
    this.node = registry.nodeName();
    this.origin = origin;
    this.random = random;
  }

  public static void main(String[] args) throws InterruptedException {
    NodeCommand command = new NodeCommand();
    new CommandLine(command).parseArgs(args);
    ClusterOptions options = NodeSettings.resolve(command, null);
    HooknetBridgeOptions bridges = NodeSettings.resolveBridge(command, null);
    HookRegistryOptions registryOptions = NodeSettings.resolveRegistry(command, null);
    RunningNode running = NodeCommand.start(options, bridges, registryOptions);
    JavaRegistryClient client = new JavaRegistryClient(running.registry(), Long.getLong("robustness.origin"),
        new Random(Long.getLong("robustness.seed")));
    running.registry().lostHandler(event -> client.event(RobustnessIT.OWNER_NOTICES_OF_NODE + client.node, event));
    System.out.println("  bridges: started");
    client.run(Long.getLong("robustness.deadline"));
    System.out.println("client done");
    new CountDownLatch(1).await();
  }

  private void run(long deadline) {
    subscribe();
    while (System.nanoTime() < deadline) {
      int dice = random.nextInt(100);
      String hook = RobustnessIT.NAMES.get(random.nextInt(RobustnessIT.NAMES.size()));
      if (dice < 40) {
        if (op("hook.register", hook, registry.register(RobustnessIT.FAMILY, "IN", hook, Hint.NONE, null,
            call -> 0)) == 0) {
          own.add(hook);
        }
      } else if (dice < 65 && !own.isEmpty()) {
        String mine = own.get(random.nextInt(own.size()));
        int errno = op("hook.unregister", mine, registry.unregister(RobustnessIT.FAMILY, "IN", mine));
        if (errno == 0 || errno == 6) {
          own.remove(mine);
        }
      } else if (dice < 75) {
        if (stream != null && op("notify.unregister", null, registry.notifyUnregister(RobustnessIT.FAMILY, "IN",
            stream)) == 0) {
          print(new JsonObject().put("kind", "unsubscribed").put("stream", streamName));
        }
        subscribe();
      } else {
        op("run", null, registry.run(new HookCommand.Run(RobustnessIT.FAMILY, "IN", null)).map(result -> null));
      }
      RobustnessIT.sleep(50 + random.nextInt(250));
    }
  }

  /** A new callback, whose events are recorded under the stream name it is given now. */
  private void subscribe() {
    String name = "java:" + node + ":" + System.nanoTime();
    int errno = op("notify.register", null, registry.notifyRegister(RobustnessIT.FAMILY, "IN",
        event -> event(name, event)).map(address -> {
          stream = address;
          return null;
        }));
    if (errno == 0) {
      streamName = name;
      print(new JsonObject().put("kind", "subscribed").put("stream", name));
    } else {
      stream = null;
      streamName = null;
    }
  }

  /** Runs one operation to its end and records it; gives its errno (-1: no answer in time). */
  private int op(String op, String hook, Future<?> answer) {
    long start = System.nanoTime() - origin;
    int errno;
    Object result = null;
    try {
      result = answer.toCompletionStage().toCompletableFuture().get(RobustnessIT.REQUEST.toSeconds(),
          TimeUnit.SECONDS);
      errno = 0;
    } catch (java.util.concurrent.ExecutionException e) {
      errno = HooknetException.from(e.getCause()).errno();
    } catch (java.util.concurrent.TimeoutException e) {
      errno = -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      errno = -1;
    }
    JsonObject record = new JsonObject().put("kind", "op").put("node", node).put("op", op).put("hook", hook)
        .put("start", start).put("end", System.nanoTime() - origin).put("errno", errno);
    if (result instanceof Long seq) {
      record.put("seq", seq);
    }
    print(record);
    return errno;
  }

  private void event(String streamName, HookEvent event) {
    print(new JsonObject().put("kind", "event").put("node", node).put("stream", streamName).put("event", Json.toJson(event))
        .put("at", System.nanoTime() - origin));
  }

  private static synchronized void print(JsonObject record) {
    System.out.println("record " + record.encode());
  }
}
