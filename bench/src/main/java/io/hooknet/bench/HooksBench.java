package io.hooknet.bench;

import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryVerticle;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Registration propagation and replay on three clustered nodes in this process: from {@code register}
 * completing on n1 to {@code HN_REGISTER} at a callback on each node, beside a raw clustered publish from n1 to
 * consumers on the three nodes; and the time to replay 10, 1,000 and 10,000 hooks to a new callback. Every
 * sample checks that each callback got the hook it waited for.
 */
@Command(name = "hooks", mixinStandardHelpOptions = true,
    description = "Hook registration propagation and replay on 3 nodes, beside a raw clustered publish.")
final class HooksBench implements Callable<Integer> {

  @Option(names = "--samples", description = "Propagation samples. Default: ${DEFAULT-VALUE}.", defaultValue = "300")
  int samples;

  @Option(names = "--replay", split = ",", description = "Chain sizes to replay. Default: ${DEFAULT-VALUE}.",
      defaultValue = "10,1000,10000")
  List<Integer> replaySizes;

  private final List<HooknetCluster> nodes = new ArrayList<>();
  private final List<HookRegistry> registries = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    String clusterName = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    List<Integer> ports = SwitchBench.freePorts(3);
    List<String> members = new ArrayList<>();
    ports.forEach(port -> members.add("127.0.0.1:" + port));
    try {
      for (int i = 0; i < 3; i++) {
        HooknetCluster node = HooknetCluster.join(new ClusterOptions().setNodeName("n" + (i + 1))
            .setClusterName(clusterName).setPort(ports.get(i)).setPortCount(1).setMembers(members)).await();
        nodes.add(node);
        HookRegistryVerticle verticle = new HookRegistryVerticle(node);
        node.vertx().deployVerticle(verticle).await();
        registries.add(verticle.registry());
      }
      registries.get(0).addFamily("bench").await();
      System.out.println("hook registry, 3 nodes in one process, " + Runtime.getRuntime().availableProcessors()
          + " cores");
      propagation(50);
      rawPublish(50);
      long[] hooknet = propagation(samples);
      long[] raw = rawPublish(samples);
      System.out.printf("%-44s %10s %10s%n", "register done -> HN_REGISTER at all 3 (us)", "p50", "p99");
      System.out.printf("%-44s %10d %10d%n", "hooknet", percentile(hooknet, 50), percentile(hooknet, 99));
      System.out.printf("%-44s %10d %10d%n", "raw clustered publish to 3 consumers", percentile(raw, 50),
          percentile(raw, 99));
      System.out.printf("%-44s %10s %10s%n", "replay to a new callback", "hooks", "ms");
      for (int size : replaySizes) {
        System.out.printf("%-44s %10d %10.1f%n", "hooknet", size, replay(size));
      }
      return 0;
    } finally {
      for (HooknetCluster node : nodes) {
        node.close().await();
      }
    }
  }

  /** Latency in microseconds from each register completing on n1 to the last of the three callbacks. */
  private long[] propagation(int count) throws Exception {
    String event = "prop" + UUID.randomUUID().toString().substring(0, 6);
    registries.get(0).addEvent("bench", event).await();
    long[][] arrivals = new long[3][count];
    AtomicInteger[] seen = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
    for (int node = 0; node < 3; node++) {
      int n = node;
      registries.get(node).notifyRegister("bench", event, (HookEvent e) -> {
        int index = Integer.parseInt(e.hook().substring(1));
        arrivals[n][index] = System.nanoTime();
        seen[n].incrementAndGet();
      }).await();
    }
    long[] latencies = new long[count];
    for (int i = 0; i < count; i++) {
      int index = i;
      long[] done = new long[1];
      registries.get(0).register("bench", event, "h" + i, Hint.NONE, null, "addr.h" + i)
          .onSuccess(seq -> done[0] = System.nanoTime()).await();
      awaitAll(seen, index + 1);
      long last = Math.max(arrivals[0][i], Math.max(arrivals[1][i], arrivals[2][i]));
      latencies[i] = Math.max(0, (last - done[0]) / 1_000);
    }
    return latencies;
  }

  private long[] rawPublish(int count) throws Exception {
    String address = "bench.raw." + UUID.randomUUID();
    long[][] arrivals = new long[3][count];
    AtomicInteger[] seen = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
    AtomicInteger[] probed = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
    List<MessageConsumer<Buffer>> consumers = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      int n = node;
      MessageConsumer<Buffer> consumer = nodes.get(node).vertx().eventBus().consumer(address, message -> {
        int index = message.body().getInt(0);
        if (index < 0) {
          probed[n].incrementAndGet();
        } else {
          arrivals[n][index] = System.nanoTime();
          seen[n].incrementAndGet();
        }
      });
      consumer.completion().await();
      consumers.add(consumer);
    }
    // A subscription takes a moment to be seen cluster-wide: publish probes until all three have one.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Arrays.stream(probed).anyMatch(n -> n.get() == 0)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the raw consumers are not reachable from n1");
      }
      nodes.get(0).vertx().eventBus().publish(address, Buffer.buffer().appendInt(-1));
      Thread.sleep(10);
    }
    long[] latencies = new long[count];
    for (int i = 0; i < count; i++) {
      long sent = System.nanoTime();
      nodes.get(0).vertx().eventBus().publish(address, Buffer.buffer().appendInt(i).appendBytes(new byte[120]));
      awaitAll(seen, i + 1);
      long last = Math.max(arrivals[0][i], Math.max(arrivals[1][i], arrivals[2][i]));
      latencies[i] = (last - sent) / 1_000;
    }
    for (MessageConsumer<Buffer> consumer : consumers) {
      consumer.unregister().await();
    }
    return latencies;
  }

  /** Milliseconds from a notify register on n2 to the last of {@code size} replayed hooks at its callback. */
  private double replay(int size) throws Exception {
    String event = "replay" + size;
    registries.get(0).addEvent("bench", event).await();
    List<Future<Long>> window = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      window.add(registries.get(i % 3).register("bench", event, "r" + i, Hint.NONE, null, "addr.r" + i));
      if (window.size() == 32) {
        Future.all(window).await();
        window.clear();
      }
    }
    Future.all(window).await();
    CountDownLatch replayed = new CountDownLatch(size);
    java.util.Set<String> hooks = java.util.concurrent.ConcurrentHashMap.newKeySet();
    long start = System.nanoTime();
    registries.get(1).notifyRegister("bench", event, e -> {
      if (!e.replay() || !hooks.add(e.hook())) {
        throw new IllegalStateException("unexpected " + e);
      }
      replayed.countDown();
    }).await();
    if (!replayed.await(300, TimeUnit.SECONDS)) {
      throw new IllegalStateException("replay of " + size + " hooks incomplete: " + (size - replayed.getCount()));
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private static void awaitAll(AtomicInteger[] seen, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Arrays.stream(seen).anyMatch(n -> n.get() < count)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("a consumer stopped at " + Arrays.toString(seen) + " of " + count);
      }
      Thread.onSpinWait();
    }
  }

  private static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
