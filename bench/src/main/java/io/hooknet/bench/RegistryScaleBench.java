package io.hooknet.bench;

import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.Replies;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryVerticle;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The registry at scale: {@code --hooks} hooks (1,000,000) across 3 nodes in this process, in families of one
 * event of {@code --per-event} hooks each, registered through the three nodes in turn. Measured: the live heap
 * (after GC) the registry takes per hook, beside an IMap holding the same entries (key {@code family/event/hook},
 * a value the size of a stored hook, two backups as the registry's families have); and the time a fourth node
 * takes from its join to serve {@code list} of a family and to replay a family's event to a callback of its own,
 * beside the time the same join takes until Hazelcast's partitions are safe with the IMap alone.
 *
 * <p>Checked: every register answered the next seq of its event; the joining node lists every hook of the family
 * it reads and replays each once, then HN_SYNCED; the IMap holds every entry.
 */
@Command(name = "registry-scale", mixinStandardHelpOptions = true,
    description = "1,000,000 hooks across 3 nodes: heap per hook beside an IMap, and a joining node's time to serve"
        + " list and replay.")
final class RegistryScaleBench extends BenchCommand {

  @Option(names = "--hooks", description = "Hooks across the 3 nodes. Default: ${DEFAULT-VALUE}.",
      defaultValue = "1000000")
  int hooks;

  @Option(names = "--per-event", description = "Hooks in each family's one event. Default: ${DEFAULT-VALUE}.",
      defaultValue = "10000")
  int perEvent;

  private static final String BENCH = "registry-scale";
  private static final String MAP = "bench.registry-scale";
  /** A value the size of a stored hook, as in the hooks benchmark's baselines. */
  private static final byte[] PAYLOAD = new byte[120];
  private static final long READY_SECONDS = 600;

  @Override
  void run(Report report) throws Exception {
    int families = Math.max(1, hooks / perEvent);
    int total = families * perEvent;
    try (Nodes cluster = Nodes.start(3)) {
      List<HookRegistry> registries = new ArrayList<>();
      for (HooknetCluster node : cluster.all()) {
        HookRegistryVerticle verticle = new HookRegistryVerticle(node);
        node.vertx().deployVerticle(verticle).await();
        registries.add(verticle.registry());
      }
      report.say(BENCH, "%s", String.format("%,d hooks in %,d families of one event, 3 nodes in one process, %d"
          + " cores, max heap %,d MB", total, families, Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20));

      HazelcastInstance first = cluster.node(1).hazelcast();
      first.getConfig().addMapConfig(new MapConfig(MAP).setBackupCount(2));
      long before = Heap.afterGc();
      IMap<String, byte[]> map = first.getMap(MAP);
      Map<String, byte[]> batch = new HashMap<>();
      for (int f = 0; f < families; f++) {
        for (int h = 0; h < perEvent; h++) {
          batch.put("f" + f + "/e/h" + h, PAYLOAD);
        }
        map.putAll(batch);
        batch.clear();
      }
      if (map.size() != total) {
        throw new IllegalStateException("the IMap holds " + map.size() + " entries, not " + total);
      }
      double mapBytes = (Heap.afterGc() - before) / (double) total;
      double mapSafe = join(cluster, registry -> { }).safeMillis();
      map.destroy();

      before = Heap.afterGc();
      long started = System.nanoTime();
      for (int f = 0; f < families; f++) {
        String family = "f" + f;
        registries.get(f % 3).addFamily(family).await();
        registries.get(f % 3).addEvent(family, "e").await();
        BitSet seqs = new BitSet();
        HooksBench.fill(perEvent, h -> registries.get(h % 3).register(family, "e", "h" + h, Hint.NONE, null,
            "addr.h" + h).onSuccess(seq -> {
              synchronized (seqs) {
                seqs.set(seq.intValue());
              }
            }));
        if (seqs.cardinality() != perEvent || seqs.nextSetBit(0) != 1 || seqs.length() != perEvent + 1) {
          throw new IllegalStateException(family + "/e: the registers did not answer seqs 1-" + perEvent);
        }
      }
      double loadSeconds = (System.nanoTime() - started) / 1e9;
      double registryBytes = (Heap.afterGc() - before) / (double) total;
      report.say(BENCH, "set up: %,d hooks in %.0f s (%,.0f registers/s)", total, loadSeconds, total / loadSeconds);

      String probe = "f" + (families / 2);
      Ready ready = join(cluster, registry -> serve(registry, probe));
      report.say(BENCH, "%-52s %12s %12s", "", "hooknet", "IMap");
      report.say(BENCH, "%-52s %12.0f %12.0f", "live heap per hook, 3 nodes (bytes)", registryBytes, mapBytes);
      report.say(BENCH, "%-52s %12.0f %12.0f", "join -> partitions safe (ms)", ready.safeMillis(), mapSafe);
      report.say(BENCH, "%-52s %12.0f %12s", "join -> list and replay of " + perEvent + " hooks served (ms)",
          ready.readyMillis(), "");
      report.add(Row.cost(BENCH, String.format("live heap per hook, %,d hooks on 3 nodes, bytes", total),
          registryBytes, "an IMap of the same entries, 2 backups", mapBytes));
      report.add(Row.cost(BENCH, String.format("a node joining %,d hooks serves list and replay, ms", total),
          ready.readyMillis(), "the same join with the IMap: partitions safe", mapSafe));
      report.checked(BENCH, "registry scale: every register answered the next seq of its event; the joining node"
          + " listed " + perEvent + " hooks of " + probe + " and replayed each once, then HN_SYNCED; the IMap held "
          + total + " entries");
    }
  }

  /** Times since a node's join began: until its partitions were safe, and until {@code ready} held. */
  private record Ready(double safeMillis, double readyMillis) {
  }

  /**
   * Node n4 joins (and gets a registry), is timed until Hazelcast's partitions are safe (polled every 10 ms) and
   * until {@code serve} has run on its registry, and leaves again.
   */
  private Ready join(Nodes cluster, Consumer<HookRegistry> serve) throws Exception {
    int port = Nodes.freePorts(1).get(0);
    List<String> members = new ArrayList<>(cluster.members());
    members.add("127.0.0.1:" + port);
    long start = System.nanoTime();
    HooknetCluster joined = HooknetCluster.join(cluster.options("n4", port).setMembers(members)).await();
    CompletableFuture<Double> safe = CompletableFuture.supplyAsync(() -> {
      try {
        return until(start, () -> joined.hazelcast().getPartitionService().isClusterSafe());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
    try {
      HookRegistryVerticle verticle = new HookRegistryVerticle(joined);
      joined.vertx().deployVerticle(verticle).await();
      serve.accept(verticle.registry());
      double readyMillis = (System.nanoTime() - start) / 1e6;
      return new Ready(safe.get(READY_SECONDS, TimeUnit.SECONDS), readyMillis);
    } finally {
      joined.close().await();
    }
  }

  /** Has {@code registry} list every hook of {@code family} and replay each once to a callback of its own. */
  private void serve(HookRegistry registry, String family) {
    Replies.HookChains chains = registry.list(family, "e").await();
    int listed = chains.events().get(0).hooks().size();
    if (listed != perEvent) {
      throw new IllegalStateException("the joining node lists " + listed + " hooks of " + family);
    }
    CountDownLatch synced = new CountDownLatch(1);
    Set<String> replayed = new HashSet<>();
    String callback = registry.notifyRegister(family, "e", event -> {
      if (event.cmd() == HookEvent.Cmd.HN_SYNCED) {
        synced.countDown();
      } else if (event.cause() == HookEvent.Cause.TEARDOWN && synced.getCount() == 0) {
        return;
      } else if (!event.replay() || !replayed.add(event.hook())) {
        throw new IllegalStateException("unexpected " + event);
      }
    }).await();
    try {
      if (!synced.await(READY_SECONDS, TimeUnit.SECONDS) || replayed.size() != perEvent) {
        throw new IllegalStateException("the joining node replayed " + replayed.size() + " hooks of " + family);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    registry.notifyUnregister(family, "e", callback).await();
  }

  /** Milliseconds from {@code start} until {@code condition} holds, polled every 10 ms. */
  private static double until(long start, BooleanSupplier condition) throws InterruptedException {
    long deadline = start + TimeUnit.SECONDS.toNanos(READY_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not within " + READY_SECONDS + " s of the join");
      }
      Thread.sleep(10);
    }
    return (System.nanoTime() - start) / 1e6;
  }

}
