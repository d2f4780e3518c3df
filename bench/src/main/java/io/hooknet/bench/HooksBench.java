package io.hooknet.bench;

import io.hooknet.cluster.HooknetCluster;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import io.hooknet.bridge.BridgeVerticle;
import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.codec.Errno;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HooknetException;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryVerticle;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Registration propagation and replay on three clustered nodes in this process: from a {@code register} call
 * on n1 to {@code HN_REGISTER} at a callback on each node, beside a raw clustered publish from n1 to
 * consumers on the three nodes and a Hazelcast IMap entry listener on each node of the same cluster; the
 * time to replay 10 to 100,000 hooks to a new callback, beside reading as many entries of an IMap from another
 * node; a register into a big event or family beside one into a small one; registry changes/s from concurrent
 * clients beside {@code submitToKey}; and the Python client's register over the TCP bridge beside its request to
 * an echo consumer. Every sample checks what it got.
 */
@Command(name = "hooks", mixinStandardHelpOptions = true,
    description = "The hook registry on 3 nodes: propagation, replay, size, throughput and the bridge, each beside"
        + " its baseline (a raw clustered publish, a Hazelcast IMap, submitToKey, a bridged echo).")
final class HooksBench extends BenchCommand {

  @Option(names = "--samples", description = "Propagation samples. Default: ${DEFAULT-VALUE}.", defaultValue = "1000")
  int samples;

  @Option(names = "--warm-up", description = "Warm-up samples of each propagation path before the samples are taken:"
      + " enough for the JIT to have compiled each path's code, whose late compilations otherwise fall on the"
      + " samples. Default: ${DEFAULT-VALUE}.", defaultValue = "5000")
  int warmUp;

  @Option(names = "--replay", split = ",", description = "Chain sizes to replay. Default: ${DEFAULT-VALUE}.",
      defaultValue = "10,1000,10000,100000")
  List<Integer> replaySizes;

  @Option(names = "--seconds", description = "Seconds of each throughput run. Default: ${DEFAULT-VALUE}.",
      defaultValue = "3")
  int seconds;

  @Option(names = "--rounds", description = "Rounds of the throughput runs, hooknet and baseline alternating; the"
      + " median of each is kept. Default: ${DEFAULT-VALUE}.", defaultValue = "3")
  int rounds;

  @Option(names = "--clients", description = "Concurrent clients in the throughput runs. Default: ${DEFAULT-VALUE}.",
      defaultValue = "64")
  int clients;

  @Option(names = "--size", description = "Hooks in the big event, and events in the wide family, of the size rows."
      + " Default: ${DEFAULT-VALUE}.", defaultValue = "10000")
  int size;

  private static final String BENCH = "hooks";
  /** Rounds the latency samples are taken in, each path in turn. */
  private static final int LATENCY_ROUNDS = 5;
  /** A value the size of a stored hook, for the baselines. */
  private static final byte[] PAYLOAD = new byte[120];

  private final List<HooknetCluster> nodes = new ArrayList<>();
  private final List<HookRegistry> registries = new ArrayList<>();

  @Override
  void run(Report report) throws Exception {
    try (Nodes cluster = Nodes.start(3)) {
      for (HooknetCluster node : cluster.all()) {
        nodes.add(node);
        HookRegistryVerticle verticle = new HookRegistryVerticle(node);
        node.vertx().deployVerticle(verticle).await();
        registries.add(verticle.registry());
      }
      registries.get(0).addFamily("bench").await();
      report.say(BENCH, "%s", "hook registry, 3 nodes in one process, " + Runtime.getRuntime().availableProcessors()
          + " cores");
      // Each path is warmed up alike, then the four are measured in rounds that alternate them: the JIT's late
      // compilations and the machine's drift fall on all four, not on whichever runs first.
      propagation(warmUp);
      rawPublish(warmUp);
      mapListener(warmUp);
      trivialProcessor(warmUp);
      int latencyRounds = Math.min(LATENCY_ROUNDS, samples);
      List<long[]> hooknetRounds = new ArrayList<>();
      List<long[]> fromDoneRounds = new ArrayList<>();
      List<long[]> callRounds = new ArrayList<>();
      List<List<long[]>> atNodeRounds = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      List<long[]> rawRounds = new ArrayList<>();
      List<long[]> mapRounds = new ArrayList<>();
      List<long[]> processorRounds = new ArrayList<>();
      for (int round = 0; round < latencyRounds; round++) {
        int count = samples / latencyRounds + (round < samples % latencyRounds ? 1 : 0);
        Propagation propagation = propagation(count);
        hooknetRounds.add(propagation.fromCall());
        fromDoneRounds.add(propagation.fromDone());
        callRounds.add(propagation.call());
        for (int node = 0; node < 3; node++) {
          atNodeRounds.get(node).add(propagation.atNode()[node]);
        }
        rawRounds.add(rawPublish(count));
        mapRounds.add(mapListener(count));
        processorRounds.add(trivialProcessor(count));
      }
      long[] hooknet = Stats.concat(hooknetRounds);
      long[] fromDone = Stats.concat(fromDoneRounds);
      long[] calls = Stats.concat(callRounds);
      long[] raw = Stats.concat(rawRounds);
      long[] map = Stats.concat(mapRounds);
      long[] processor = Stats.concat(processorRounds);
      report.checked(BENCH, samples + " registrations in " + latencyRounds + " rounds alternating with the baselines, after "
          + warmUp + " of each to warm up (each unregistered before the next): HN_REGISTER for"
          + " exactly the registered hook, then its HN_UNREGISTER, at each of 3 callbacks; every item at each of 3"
          + " raw consumers and 3 IMap listeners");
      report.say(BENCH, "%-44s %10s %10s", "-> HN_REGISTER at all 3 callbacks (us)", "p50", "p99");
      print(report, "hooknet, from the register call", hooknet);
      print(report, "hooknet, from register done", fromDone);
      print(report, "hooknet, the register call itself", calls);
      // Where the time goes: the member that holds the family's entry makes the change and tells its own callback
      // first; the others are told over the event bus.
      String owner = ownerOf("bench");
      for (int node = 0; node < 3; node++) {
        print(report, "hooknet, to n" + (node + 1) + "'s callback" + (owner.equals("n" + (node + 1))
            ? " (holds the family)" : ""), Stats.concat(atNodeRounds.get(node)));
      }
      print(report, "raw clustered publish to 3 consumers", raw);
      print(report, "IMap set call -> entry listener on 3 nodes", map);
      print(report, "IMap executeOnKey, a processor that sets", processor);
      for (int p : new int[] {50, 99}) {
        report.add(Row.cost(BENCH, "register done -> HN_REGISTER at 3 nodes, p" + p + " us",
            Stats.percentile(fromDone, p), "raw clustered publish to 3", Stats.percentile(raw, p)));
      }
      for (int p : new int[] {50, 99}) {
        report.add(Row.cost(BENCH, "register call -> HN_REGISTER at 3 nodes, p" + p + " us",
            Stats.percentile(hooknet, p), "IMap set call -> entry listener on 3", Stats.percentile(map, p)));
      }
      report.say(BENCH, "%-44s %10s %10s %10s", "replay to a new callback", "hooks", "ms", "IMap ms");
      for (int size : replaySizes) {
        // One replay of a big chain is one sample: each side is the median of rounds that alternate them.
        int rounds = size >= 100_000 ? 3 : 5;
        String event = chain(size);
        double[] medians = Stats.alternating(rounds, round -> replay(event, size), round -> mapRead(size));
        double replayed = medians[0];
        double read = medians[1];
        report.say(BENCH, "%-44s %10d %10.1f %10.1f", "hooknet (median of " + rounds + ")", size, replayed, read);
        report.add(Row.cost(BENCH, "replay of " + size + " hooks to a new callback, ms", replayed,
            "reading " + size + " IMap entries from another node", read));
      }
      report.checked(BENCH, "replay: each new callback got every hook of the chain once, marked REPLAY, then "
          + "HN_SYNCED (" + replaySizes + " hooks); each IMap read returned every entry");
      sizeRows(report);
      throughputRows(report);
      bridgeRows(report);
    } finally {
      nodes.clear();
      registries.clear();
    }
  }

  private static void print(Report report, String name, long[] latencies) {
    report.say(BENCH, "%-44s %10d %10d", name, Stats.percentile(latencies, 50), Stats.percentile(latencies, 99));
  }

  /** Microseconds from each IMap set call on n1 to the last of the entry listeners on the three nodes. */
  private long[] mapListener(int count) throws Exception {
    // Under the registry's map configuration (hooknet.*: two backups), as the registry's changes are kept.
    String name = "hooknet.bench.imap." + UUID.randomUUID();
    long[][] arrivals = new long[3][count];
    AtomicInteger[] seen = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
    List<UUID> listeners = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      int n = node;
      listeners.add(nodes.get(node).hazelcast().<Integer, byte[]>getMap(name).addEntryListener(
          (EntryAddedListener<Integer, byte[]>) event -> {
            arrivals[n][event.getKey()] = System.nanoTime();
            seen[n].incrementAndGet();
          }, true));
    }
    IMap<Integer, byte[]> map = nodes.get(0).hazelcast().getMap(name);
    long[] latencies = new long[count];
    for (int i = 0; i < count; i++) {
      long called = System.nanoTime();
      map.set(i, PAYLOAD);
      awaitAll(seen, i + 1);
      latencies[i] = (lastArrival(arrivals, i) - called) / 1_000;
    }
    for (int node = 0; node < 3; node++) {
      nodes.get(node).hazelcast().getMap(name).removeEntryListener(listeners.get(node));
    }
    map.destroy();
    return latencies;
  }

  /**
   * Microseconds of each {@code executeOnKey} call on n1 with a processor that sets a 120-byte value on one key
   * (run again on the backup): the floor of a registry change, which is an entry processor on its family's entry.
   */
  private long[] trivialProcessor(int count) {
    // Under the registry's map configuration (hooknet.*: two backups), as the registry's changes run.
    String name = "hooknet.bench.processor." + UUID.randomUUID();
    IMap<Integer, byte[]> map = nodes.get(0).hazelcast().getMap(name);
    long[] latencies = new long[count];
    for (int i = 0; i < count; i++) {
      long called = System.nanoTime();
      map.executeOnKey(1, new SetPayload());
      latencies[i] = (System.nanoTime() - called) / 1_000;
    }
    map.destroy();
    return latencies;
  }

  /** Sets the payload; the backup does the same. */
  private static final class SetPayload implements com.hazelcast.map.EntryProcessor<Integer, byte[], Boolean> {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean process(Map.Entry<Integer, byte[]> entry) {
      entry.setValue(PAYLOAD);
      return Boolean.TRUE;
    }
  }

  /** Milliseconds for n2 to read all {@code size} entries of an IMap filled from n1. */
  private double mapRead(int size) {
    String name = "bench.imap.read." + size;
    IMap<Integer, byte[]> map = nodes.get(0).hazelcast().getMap(name);
    Map<Integer, byte[]> entries = new HashMap<>();
    for (int i = 0; i < size; i++) {
      entries.put(i, PAYLOAD);
    }
    map.putAll(entries);
    long start = System.nanoTime();
    Set<Map.Entry<Integer, byte[]>> read = nodes.get(1).hazelcast().<Integer, byte[]>getMap(name).entrySet();
    double millis = (System.nanoTime() - start) / 1e6;
    if (read.size() != size) {
      throw new IllegalStateException("read " + read.size() + " IMap entries of " + size);
    }
    map.destroy();
    return millis;
  }

  /**
   * One propagation run, in microseconds per sample.
   *
   * @param fromCall from each register call on n1 to the last of the three callbacks, as the IMap baseline is
   *                 timed (an entry listener may fire before {@code set} returns)
   * @param fromDone from the register completing to the last callback, as the raw publish is timed from the
   *                 publish
   * @param call     how long the register call itself took
   * @param atNode   from each register call on n1 to the callback on each node, n1 to n3
   */
  private record Propagation(long[] fromCall, long[] fromDone, long[] call, long[][] atNode) {
  }

  /** The node whose member holds {@code family}'s entry. */
  private String ownerOf(String family) {
    UUID owner = nodes.get(0).hazelcast().getPartitionService().getPartition(family).getOwner().getUuid();
    for (HooknetCluster node : nodes) {
      if (node.hazelcast().getCluster().getLocalMember().getUuid().equals(owner)) {
        return node.nodeName();
      }
    }
    return "none";
  }

  private Propagation propagation(int count) throws Exception {
    String event = "prop" + UUID.randomUUID().toString().substring(0, 6);
    registries.get(0).addEvent("bench", event).await();
    long[][] arrivals = new long[3][count];
    AtomicInteger[] seen = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
    AtomicInteger[] gone = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
    for (int node = 0; node < 3; node++) {
      int n = node;
      registries.get(node).notifyRegister("bench", event, (HookEvent e) -> {
        if (e.cmd() == HookEvent.Cmd.HN_SYNCED) {
          return;
        }
        if (e.cmd() == HookEvent.Cmd.HN_UNREGISTER) {
          gone[n].incrementAndGet();
          return;
        }
        int index = Integer.parseInt(e.hook().substring(1));
        arrivals[n][index] = System.nanoTime();
        seen[n].incrementAndGet();
      }).await();
    }
    Propagation run = new Propagation(new long[count], new long[count], new long[count], new long[3][count]);
    for (int i = 0; i < count; i++) {
      long[] done = new long[1];
      long called = System.nanoTime();
      registries.get(0).register("bench", event, "h" + i, Hint.NONE, null, "addr.h" + i)
          .onSuccess(seq -> done[0] = System.nanoTime()).await();
      awaitAll(seen, i + 1);
      long last = lastArrival(arrivals, i);
      run.fromCall()[i] = (last - called) / 1_000;
      for (int node = 0; node < 3; node++) {
        run.atNode()[node][i] = (arrivals[node][i] - called) / 1_000;
      }
      run.call()[i] = (done[0] - called) / 1_000;
      // A callback on n1 itself may run before the caller's future completes; that counts as no wait.
      run.fromDone()[i] = Math.max(0, last - done[0]) / 1_000;
      // Keep the chain at one hook: a change costs time in proportion to the family's size, which the replay
      // rows measure; here it would make each sample slower than the last.
      registries.get(0).unregister("bench", event, "h" + i).await();
      awaitAll(gone, i + 1);
    }
    return run;
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
      nodes.get(0).vertx().eventBus().publish(address, Buffer.buffer().appendInt(i).appendBytes(PAYLOAD));
      awaitAll(seen, i + 1);
      long last = lastArrival(arrivals, i);
      latencies[i] = (last - sent) / 1_000;
    }
    for (MessageConsumer<Buffer> consumer : consumers) {
      consumer.unregister().await();
    }
    return latencies;
  }

  /** Milliseconds from a notify register on n2 to the last of {@code size} replayed hooks at its callback. */
  /** An event of {@code size} hooks, registered from the three nodes in turn. */
  private String chain(int size) throws Exception {
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
    return event;
  }

  /**
   * Milliseconds from a callback register on n2 to its HN_SYNCED, having been told each of the {@code size} hooks
   * of {@code event} once, as a replay; the callback is unregistered after.
   */
  private double replay(String event, int size) throws Exception {
    CountDownLatch synced = new CountDownLatch(1);
    Set<String> hooks = ConcurrentHashMap.newKeySet();
    long start = System.nanoTime();
    String address = registries.get(1).notifyRegister("bench", event, e -> {
      if (e.cmd() == HookEvent.Cmd.HN_SYNCED) {
        synced.countDown();
      } else if (synced.getCount() > 0 && (!e.replay() || !hooks.add(e.hook()))) {
        throw new IllegalStateException("unexpected " + e);
      }
    }).await();
    if (!synced.await(300, TimeUnit.SECONDS) || hooks.size() != size) {
      throw new IllegalStateException("replay of " + size + " hooks incomplete: " + hooks.size());
    }
    double millis = (System.nanoTime() - start) / 1e6;
    registries.get(1).notifyUnregister("bench", event, address).await();
    return millis;
  }

  /**
   * A register into an event that holds {@link #size} hooks beside one into an empty event, and one in a family of
   * {@link #size} events beside one in a family of one event: the register call's p50 on n1, samples of the two
   * interleaved.
   */
  private void sizeRows(Report report) throws Exception {
    registries.get(0).addEvent("bench", "big").await();
    registries.get(0).addEvent("bench", "empty").await();
    long started = System.nanoTime();
    fill(size, i -> registries.get(i % 3).register("bench", "big", "b" + i, Hint.NONE, null, "addr.b" + i));
    double chainSeconds = (System.nanoTime() - started) / 1e9;
    registries.get(0).addFamily("wide").await();
    registries.get(0).addFamily("narrow").await();
    registries.get(0).addEvent("narrow", "e0").await();
    started = System.nanoTime();
    fill(size, i -> registries.get(i % 3).addEvent("wide", "e" + i));
    double eventSeconds = (System.nanoTime() - started) / 1e9;
    report.say(BENCH, "set up: %,d hooks on one event in %.1f s, %,d events in one family in %.1f s", size,
        chainSeconds, size, eventSeconds);
    int count = Math.min(samples, 500);
    long[][] chain = interleaved(count, new String[][] {{"bench", "big"}, {"bench", "empty"}});
    long[][] family = interleaved(count, new String[][] {{"wide", "e" + size / 2}, {"narrow", "e0"}});
    report.say(BENCH, "%-44s %10s %10s", "register call (us)", "p50", "p99");
    print(report, "into an event of " + size + " hooks", chain[0]);
    print(report, "into an empty event", chain[1]);
    print(report, "in a family of " + size + " events", family[0]);
    print(report, "in a family of one event", family[1]);
    report.add(Row.cost(BENCH, "register call into an event of " + size + " hooks, p50 us",
        Stats.percentile(chain[0], 50), "into an empty event", Stats.percentile(chain[1], 50)));
    report.add(Row.cost(BENCH, "register call in a family of " + size + " events, p50 us",
        Stats.percentile(family[0], 50), "in a family of one event", Stats.percentile(family[1], 50)));
    report.checked(BENCH, "size: every register answered the next seq of its event; the big event kept its "
        + size + " hooks");
    int held = registries.get(1).list("bench", "big").await().events().get(0).hooks().size();
    if (held != size) {
      throw new IllegalStateException("the big event holds " + held + " hooks, not " + size);
    }
  }

  /** Runs {@code count} changes, 32 at a time. */
  static void fill(int count, java.util.function.IntFunction<Future<Long>> change) {
    List<Future<Long>> window = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      window.add(change.apply(i));
      if (window.size() == 32) {
        Future.all(window).await();
        window.clear();
      }
    }
    Future.all(window).await();
  }

  /**
   * Microseconds of register calls on n1 into each of {@code events} ({family, event}) in turn, each hook
   * unregistered again; checks that each register and unregister answered the next seq of its event.
   */
  private long[][] interleaved(int count, String[][] events) {
    long[][] calls = new long[events.length][count];
    long[] seq = new long[events.length];
    for (int i = -Math.min(50, count); i < count; i++) {
      for (int e = 0; e < events.length; e++) {
        String family = events[e][0];
        String event = events[e][1];
        long called = System.nanoTime();
        long registered = registries.get(0).register(family, event, "s" + i, Hint.NONE, null, "addr.s").await();
        long took = (System.nanoTime() - called) / 1_000;
        long unregistered = registries.get(0).unregister(family, event, "s" + i).await();
        if (seq[e] != 0 && registered != seq[e] + 1 || unregistered != registered + 1) {
          throw new IllegalStateException(family + "/" + event + ": seq " + registered + ", " + unregistered
              + " after " + seq[e]);
        }
        seq[e] = unregistered;
        if (i >= 0) {
          calls[e][i] = took;
        }
      }
    }
    return calls;
  }

  /**
   * Registry changes per second with {@link #clients} concurrent clients spread over the three nodes, each
   * registering a hook of its own and unregistering it again, one change at a time: on an event each, and all on
   * one hot event. Every tenth register names the client's hook while it is registered and must fail with
   * EEXIST. The baseline is {@code submitToKey} with a processor that sets a 120-byte value, from as many loops
   * over the three members, on as many keys or on one.
   */
  private void throughputRows(Report report) throws Exception {
    registries.get(0).addFamily("tp").await();
    registries.get(0).addEvent("tp", "hot").await();
    for (int c = 0; c < clients; c++) {
      registries.get(c % 3).addEvent("tp", "own" + c).await();
    }
    double[] rates = Stats.alternating(rounds, round -> changesPerSecond(c -> "own" + c, round == 0),
        round -> processorsPerSecond(true, round == 0), round -> changesPerSecond(c -> "hot", round == 0),
        round -> processorsPerSecond(false, round == 0));
    double own = rates[0];
    double keys = rates[1];
    double hot = rates[2];
    double oneKey = rates[3];
    report.say(BENCH, "%-44s %12s %12s", "changes/s, " + clients + " clients over 3 nodes, median of " + rounds,
        "hooknet", "executeOnKey");
    report.say(BENCH, "%-44s %,12.0f %,12.0f", "an event (a key) each", own, keys);
    report.say(BENCH, "%-44s %,12.0f %,12.0f", "one hot event (one key)", hot, oneKey);
    report.add(Row.rate(BENCH, "registry changes/s, " + clients + " clients on an event each", own,
        "submitToKey, a processor that sets, " + clients + " keys", keys));
    report.add(Row.rate(BENCH, "registry changes/s, " + clients + " clients on one hot event", hot,
        "submitToKey, a processor that sets, one key", oneKey));
    report.checked(BENCH, "throughput: per event, the seqs answered were gapless and each given once; every"
        + " register of a hook already there failed with EEXIST, and no other change failed");
  }

  /** One client's loop: the number of its changes and what it checks. */
  private final class Client {
    final int id;
    final HookRegistry registry;
    final String event;
    final String hook;
    final List<Long> seqs = new ArrayList<>();
    int changes;
    int duplicates;
    int cycle;
    Throwable failure;

    Client(int id, String event) {
      this.id = id;
      this.registry = registries.get(id % 3);
      this.event = event;
      this.hook = "c" + id;
    }

    /** Cycles of register, (every tenth cycle: register again, EEXIST), unregister; until {@code until}. */
    void next(long until, CountDownLatch done) {
      if (System.nanoTime() > until || failure != null) {
        done.countDown();
        return;
      }
      registry.register("tp", event, hook, Hint.NONE, null, "addr." + hook).onComplete(registered -> {
        if (!counted(registered)) {
          done.countDown();
        } else if (cycle++ % 10 == 0) {
          registry.register("tp", event, hook, Hint.NONE, null, "addr." + hook).onComplete(again -> {
            duplicates++;
            if (again.succeeded() || HooknetException.from(again.cause()).errno() != Errno.EEXIST.number()) {
              failure = new IllegalStateException("a second register of " + hook + " gave " + again);
            }
            unregister(until, done);
          });
        } else {
          unregister(until, done);
        }
      });
    }

    private void unregister(long until, CountDownLatch done) {
      registry.unregister("tp", event, hook).onComplete(unregistered -> {
        if (counted(unregistered)) {
          next(until, done);
        } else {
          done.countDown();
        }
      });
    }

    private boolean counted(io.vertx.core.AsyncResult<Long> change) {
      if (change.failed()) {
        failure = change.cause();
        return false;
      }
      seqs.add(change.result());
      changes++;
      return true;
    }
  }

  /** Changes per second over {@link #seconds}, after a second of warm-up when {@code warmUp}. */
  private double changesPerSecond(java.util.function.IntFunction<String> event, boolean warmUp) throws Exception {
    List<Client> all = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      all.add(new Client(c, event.apply(c)));
    }
    if (warmUp) {
      long warmUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      CountDownLatch warm = new CountDownLatch(clients);
      all.forEach(client -> client.next(warmUntil, warm));
      warm.await(60, TimeUnit.SECONDS);
      all.forEach(client -> {
        client.changes = 0;
        client.duplicates = 0;
        client.seqs.clear();
      });
    }
    long started = System.nanoTime();
    long until = started + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(clients);
    all.forEach(client -> client.next(until, done));
    if (!done.await(60 + seconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("a throughput client did not finish");
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    Map<String, List<Long>> byEvent = new HashMap<>();
    long total = 0;
    for (Client client : all) {
      if (client.failure != null) {
        throw new IllegalStateException("client " + client.id + " failed", client.failure);
      }
      if (client.duplicates == 0) {
        throw new IllegalStateException("client " + client.id + " made no duplicate register");
      }
      byEvent.computeIfAbsent(client.event, e -> new ArrayList<>()).addAll(client.seqs);
      total += client.changes;
    }
    byEvent.forEach((name, seqs) -> {
      seqs.sort(null);
      for (int i = 1; i < seqs.size(); i++) {
        if (seqs.get(i) != seqs.get(i - 1) + 1) {
          throw new IllegalStateException("tp/" + name + ": seq " + seqs.get(i) + " after " + seqs.get(i - 1));
        }
      }
    });
    return total / elapsed;
  }

  /** {@code submitToKey} calls per second from {@link #clients} loops over the members, on a key each or one. */
  private double processorsPerSecond(boolean keyEach, boolean warmUp) throws Exception {
    String name = "hooknet.bench.processor." + UUID.randomUUID();
    List<IMap<Integer, byte[]>> maps = new ArrayList<>();
    nodes.forEach(node -> maps.add(node.hazelcast().getMap(name)));
    java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
    double rate = 0;
    for (int run = warmUp ? 0 : 1; run < 2; run++) {
      long started = System.nanoTime();
      long until = started + TimeUnit.SECONDS.toNanos(run == 0 ? 1 : seconds);
      CountDownLatch done = new CountDownLatch(clients);
      count.set(0);
      for (int c = 0; c < clients; c++) {
        IMap<Integer, byte[]> map = maps.get(c % 3);
        int key = keyEach ? c : 0;
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
          if (System.nanoTime() > until) {
            done.countDown();
            return;
          }
          map.submitToKey(key, new SetPayload()).whenComplete((ok, failure) -> {
            if (failure == null) {
              count.incrementAndGet();
            }
            loop[0].run();
          });
        };
        loop[0].run();
      }
      if (!done.await(60 + seconds, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a baseline loop did not finish");
      }
      rate = count.get() / ((System.nanoTime() - started) / 1e9);
    }
    maps.get(0).destroy();
    return rate;
  }

  /**
   * The Python client (clients/python) over n1's TCP bridge: the p50 of a hook register as the client serves a
   * hook ({@code serve_hook}: {@code hook.register} on the generic command address, naming the address under its
   * session where it serves all its hooks) beside a request to an echo consumer on n2, samples alternating
   * ({@code bench/python/bridge_rtt.py}). A register is a round trip to the family's owner, which may be any node;
   * the echo crosses to another node once.
   */
  private void bridgeRows(Report report) throws Exception {
    Path root = sourceRoot();
    String token = "bench-" + UUID.randomUUID();
    List<Integer> ports = Nodes.freePorts(2);
    nodes.get(0).vertx().deployVerticle(new BridgeVerticle(new HooknetBridgeOptions().setTcpPort(ports.get(0))
        .setHttpPort(ports.get(1)).setEnableCommands(true).setToken(token), registries.get(0))).await();
    String echo = "hooknet.pool.bench-echo.cmd";
    MessageConsumer<Object> consumer = nodes.get(1).vertx().eventBus().consumer(echo,
        message -> message.reply(message.body()));
    consumer.completion().await();
    registries.get(0).addEvent("bench", "bridged").await();
    int count = Math.min(samples, 1000);
    ProcessBuilder python = new ProcessBuilder("python3", root.resolve("bench/python/bridge_rtt.py").toString(),
        "--port", ports.get(0).toString(), "--token", token, "--echo", echo, "--family", "bench", "--event",
        "bridged", "--samples", Integer.toString(count), "--warmup", Integer.toString(Math.min(100, count)))
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    python.environment().put("PYTHONPATH", root.resolve("clients/python").toString());
    Process process = python.start();
    // The nodes answer on their own threads; this thread only waits for the script's output.
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("bench/python/bridge_rtt.py failed: " + new String(output));
    }
    io.vertx.core.json.JsonObject result = new io.vertx.core.json.JsonObject(new String(output));
    long[] register = result.getJsonArray("register").stream().mapToLong(n -> ((Number) n).longValue()).toArray();
    long[] echoed = result.getJsonArray("echo").stream().mapToLong(n -> ((Number) n).longValue()).toArray();
    if (register.length != count || echoed.length != count) {
      throw new IllegalStateException("the script gave " + register.length + " and " + echoed.length
          + " samples, not " + count);
    }
    consumer.unregister().await();
    report.say(BENCH, "%-44s %10s %10s", "Python client over the TCP bridge (us)", "p50", "p99");
    print(report, "serve_hook (hook.register on hooknet.hooks.cmd)", register);
    print(report, "request to an echo consumer on n2", echoed);
    report.add(Row.cost(BENCH, "register from the Python client over the TCP bridge, p50 us",
        Stats.percentile(register, 50), "its request/reply to an echo consumer on another node",
        Stats.percentile(echoed, 50)));
    report.checked(BENCH, "bridge: " + count + " registers from the Python client, each answered the next seq of"
        + " its event and was unregistered again; each echo returned what was sent");
  }

  /** The checkout this benchmark runs from: the first directory up from here that holds clients/python. */
  private static Path sourceRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("clients/python/hooknet/client.py"))
          && Files.isRegularFile(dir.resolve("bench/python/bridge_rtt.py"))) {
        return dir;
      }
    }
    throw new IllegalStateException("run from the hooknet checkout: no clients/python and bench/python above "
        + Path.of("").toAbsolutePath());
  }

  /** When the last of the three consumers got item {@code i}; fails if one got another item instead. */
  private static long lastArrival(long[][] arrivals, int i) {
    long last = 0;
    for (long[] node : arrivals) {
      if (node[i] == 0) {
        throw new IllegalStateException("item " + i + " did not arrive at every consumer");
      }
      last = Math.max(last, node[i]);
    }
    return last;
  }

  private static void awaitAll(AtomicInteger[] seen, int count) {
    Stats.awaitQuickly(() -> Arrays.stream(seen).allMatch(n -> n.get() >= count), 30,
        () -> "a consumer stopped at " + Arrays.toString(seen) + " of " + count);
  }

}
