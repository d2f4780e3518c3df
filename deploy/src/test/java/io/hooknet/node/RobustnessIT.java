package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hooknet.codec.Errno;
import io.hooknet.robustness.History;
import io.hooknet.robustness.HistoryChecker;
import io.hooknet.testing.BridgeClient;
import io.hooknet.testing.LocalCluster;
import io.hooknet.testing.SockJsBridgeClient;
import io.hooknet.testing.TcpBridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A history-checked run: three nodes in network namespaces on 198.18.0.0/15, bridged clients issuing random
 * registry operations on a few colliding names, subscribing and unsubscribing, running the chain, failing pool
 * sockets, disconnecting and resuming or going away, while a nemesis kills and restarts nodes, pauses them, cuts
 * them off both ways and one way, and makes links lossy or slow. Every request, answer and event is recorded; after
 * the faults heal and the cluster converges, {@link HistoryChecker} checks the history against
 * {@code docs/guarantees.md}, and the nodes' file descriptors and heap are compared with their start.
 *
 * <p>The README's test command runs each of {@link #SEEDS} for {@value #DEFAULT_SECONDS} s; {@code
 * -Drobustness.seconds=S} and {@code -Drobustness.seed=N} make another run ({@code bin/hooknet-robustness}).
 */
class RobustnessIT {

  /** The seeds run when none is given; {@code -Drobustness.seed=N} runs seed N alone. */
  static final List<Long> SEEDS = List.of(20261201L, 7L);
  static final int DEFAULT_SECONDS = 60;
  static final int SECONDS = Integer.getInteger("robustness.seconds", DEFAULT_SECONDS);
  static final int NODES = 3;
  /** The host of the Java client, a fourth member that uses the Java API in its own JVM. */
  static final int JAVA = NODES;
  static final int HOSTS = NODES + 1;
  /** The stream of a node's notices of hooks it lost in a merge. */
  static final String OWNER_NOTICES_OF_NODE = HistoryChecker.OWNER_NOTICES + "node:";
  static final int CLIENTS = 4;
  static final int GRACE_SECONDS = 6;
  static final String TOKEN = "robustness-token";
  static final String FAMILY = "rb";
  static final String EVENT = FAMILY + "/IN";
  static final List<String> NAMES = List.of("h0", "h1", "h2", "h3", "h4", "h5");
  static final int BRIDGE_PORT = 7000;
  static final int HTTP_PORT = 8080;
  static final Duration REQUEST = Duration.ofSeconds(70);

  private NetNamespaces net;
  private Vertx vertx;
  private History history;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<List<String>> commands = new ArrayList<>();
  private final int[] incarnation = new int[HOSTS];
  /** Every incarnation of the Java client, killed ones too: their records are read at the end. */
  private final List<NodeProcess> javaClients = new ArrayList<>();
  /** When each killed incarnation of the Java client was killed, by node name: its callbacks went with it. */
  /** How long after its unregistration's answer a callback's teardown may still be on its way. */
  private static final long TEARDOWN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(2_500);
  private final Map<String, Long> javaKilledAt = new java.util.concurrent.ConcurrentHashMap<>();
  /** Every incarnation of every node, in the order started: their output is kept when a run finds a violation. */
  private final List<NodeProcess> incarnations = new ArrayList<>();
  private long deadline;
  private long javaEvents;
  /** When each incarnation of each node was started (wall clock, µs), to tell whose a sock event is. */
  private final List<List<Long>> incarnationStarts = Stream
      .generate(() -> (List<Long>) new CopyOnWriteArrayList<Long>()).limit(HOSTS).collect(Collectors.toList());
  private final boolean[] down = new boolean[HOSTS];
  private final Map<String, Integer> faultCounts = new TreeMap<>();
  private long started;
  private long startedMillis;

  private long seed;

  static List<Long> seeds() {
    String one = System.getProperty("robustness.seed");
    return one == null ? SEEDS : List.of(Long.parseLong(one));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aHistoryUnderFaultsKeepsTheGuarantees(long seed) throws Exception {
    assumeTrue(NetNamespaces.available(), "needs root and iproute2 for network namespaces");
    this.seed = seed;
    history = new History(seed);
    Random random = new Random(seed);
    net = NetNamespaces.create(HOSTS);
    vertx = Vertx.vertx();
    List<Client> clients = new ArrayList<>();
    try {
      startCluster();
      setUp();
      Map<Integer, Long> fdsBefore = openFiles();
      started = System.nanoTime();
      startedMillis = System.currentTimeMillis();
      deadline = started + TimeUnit.SECONDS.toNanos(SECONDS);
      startNode(JAVA);
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(new Client("c" + (i + 1), i % NODES, new Random(random.nextLong()), false, i % 2 == 1,
            i / 2 % 2 == 0));
      }
      // One observer per node: subscribed from the start to the end, resuming after every fault, so that each
      // change is told to at least one callback.
      for (int i = 0; i < NODES; i++) {
        clients.add(new Client("o" + (i + 1), i, new Random(random.nextLong()), true, i == 1, i != 2));
      }
      List<Thread> threads = new ArrayList<>();
      for (Client client : clients) {
        Thread thread = new Thread(() -> client.run(deadline), "robustness-" + client.name);
        threads.add(thread);
        thread.start();
      }
      nemesis(new Random(random.nextLong()), deadline);
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(SECONDS + 120));
      }
      quiesce();
      JsonObject finalChange = converge();
      for (Client client : clients) {
        client.settle(finalChange);
      }
      clients.forEach(Client::record);
      long javaOps = recordJavaClient(finalChange);
      history.end(System.nanoTime() - started, TimeUnit.SECONDS.toNanos(GRACE_SECONDS));

      List<HistoryChecker.Violation> violations = HistoryChecker.check(history);
      long events = clients.stream().mapToLong(Client::eventCount).sum();
      long ops = clients.stream().mapToLong(client -> client.ops).sum() + javaOps;
      events += javaEvents;
      System.out.printf("robustness run: seed %d, %d s, %d nodes and a Java client's node, %d bridged clients "
          + "and %d observers (%d of them over SockJS, the others over TCP)%n", seed, SECONDS, NODES, CLIENTS, NODES,
          clients.stream().filter(client -> client.sockJs).count());
      System.out.printf("  operations: %d; faults: %s; events checked: %d; sock events: %d; violations: %d%n",
          ops, faultCounts, events, clients.stream().mapToLong(client -> client.sockEvents).sum(),
          violations.size());
      // Kept for every run, so that any run can be read again (bin/hooknet-robustness --check FILE).
      Path dump = NodeProcess.projectRoot().resolve("deploy/target/robustness-" + seed + ".history");
      history.dump(dump);
      if (!violations.isEmpty()) {
        System.out.println(HistoryChecker.report(history, violations));
        System.out.println("  the whole history: " + dump);
      }
      Map<Integer, Long> fdsAfter = openFiles();
      System.out.println("  open files per node (never restarted) before/after: " + fdsBefore + " / " + fdsAfter);
      assertThat(violations).as(HistoryChecker.report(history, violations)).isEmpty();
      assertThat(ops).isGreaterThan(SECONDS);
      assertThat(events).isPositive();
      fdsBefore.forEach((node, before) -> {
        if (fdsAfter.containsKey(node)) {
          assertThat(fdsAfter.get(node)).as("open files of n" + (node + 1)).isLessThanOrEqualTo(before + 40);
        }
      });
      for (int i = 0; i < HOSTS; i++) {
        JsonObject heap = heap(i);
        System.out.println("  heap of n" + (i + 1) + ": " + heap.encode());
        assertThat(heap.getDouble("used")).isLessThan(heap.getDouble("max") * 0.8);
      }
      keepOutputs();
    } catch (Exception | AssertionError e) {
      keepOutputs();
      throw e;
    } finally {
      clients.forEach(Client::close);
      nodes.forEach(node -> {
        if (node != null) {
          node.close();
        }
      });
      javaClients.forEach(NodeProcess::close);
      if (vertx != null) {
        vertx.close();
      }
      net.close();
    }
  }

  /** Writes every node incarnation's output where a run, failed or not, can be read after. */
  private void keepOutputs() throws IOException {
    Path outputs = NodeProcess.projectRoot().resolve("deploy/target/robustness-" + seed + ".nodes");
    Files.writeString(outputs, "history time 0 is " + Instant.ofEpochMilli(startedMillis) + "\n"
        + incarnations.stream().map(NodeProcess::output).collect(Collectors.joining("\n")));
    System.out.println("  the nodes' output: " + outputs);
  }

  // -- the cluster ------------------------------------------------------------------------------------------

  private void startCluster() {
    String clusterName = LocalCluster.uniqueClusterName(RobustnessIT.class);
    String members = Stream.iterate(0, i -> i + 1).limit(HOSTS).map(i -> net.address(i) + ":5701")
        .collect(Collectors.joining(","));
    String java = ProcessHandle.current().info().command().orElse("java");
    for (int i = 0; i < HOSTS; i++) {
      List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
      command.addAll(i == JAVA ? List.of("-cp", System.getProperty("java.class.path"))
          : List.of("-jar", NodeProcess.jarPath().toAbsolutePath().toString(), "node"));
      command.addAll(List.of("--cluster-name", clusterName, "--join", "tcp", "--host", net.address(i),
          "--cluster-port", "5701", "--port-count", "1", "--members", members, "--heartbeat-seconds", "1",
          "--max-no-heartbeat-seconds", "3", "--bridge-host", net.address(i), "--bridge-port",
          Integer.toString(BRIDGE_PORT), "--http-port",
          Integer.toString(HTTP_PORT), "--enable-commands", "--token", TOKEN,
          "--session-grace-seconds", Integer.toString(GRACE_SECONDS), "--hook-timeout-millis", "500"));
      commands.add(command);
      nodes.add(null);
      if (i != JAVA) {
        startNode(i);
      }
    }
  }

  /**
   * Starts host {@code i}'s next incarnation: node {@code n<i+1>}, or the Java client's node {@code j<k>} (a new
   * name each time, so that what a killed one owned is told apart from its successor's).
   */
  private void startNode(int i) {
    // Hazelcast refuses a member while its cluster state is locked (a membership or partition change under way),
    // and the node exits, as it would under a supervisor that starts it again: so does the run, a few times.
    for (int attempt = 1; ; attempt++) {
      try {
        startNodeOnce(i);
        return;
      } catch (AssertionError refused) {
        if (attempt == 3 || !String.valueOf(refused.getMessage()).contains("Node failed to start")) {
          throw refused;
        }
        System.out.println("  " + (i == JAVA ? "the Java client's node" : "n" + (i + 1))
            + " could not join (attempt " + attempt + "), starting it again");
        sleep(2_000);
      }
    }
  }

  private void startNodeOnce(int i) {
    incarnation[i]++;
    incarnationStarts.get(i).add(System.currentTimeMillis() * 1000);
    List<String> command = new ArrayList<>(commands.get(i));
    String name = i == JAVA ? "j" + incarnation[i] : "n" + (i + 1);
    if (i == JAVA) {
      int main = command.indexOf("-cp") + 2;
      command.addAll(main, List.of("-Drobustness.seed=" + (seed + incarnation[i]), "-Drobustness.origin=" + started,
          "-Drobustness.deadline=" + deadline, JavaRegistryClient.class.getName()));
    }
    command.addAll(List.of("--node-name", name));
    NodeProcess node = NodeProcess.start(name + "#" + incarnation[i], net.inside(i, command));
    nodes.set(i, node);
    incarnations.add(node);
    if (i == JAVA) {
      javaClients.add(node);
    }
    node.awaitStdout("bridges:", Duration.ofSeconds(90));
    down[i] = false;
  }

  private void setUp() {
    try (TcpBridgeClient admin = new TcpBridgeClient(vertx, net.address(0), BRIDGE_PORT, TOKEN)) {
      admin.ok("hooknet.hooks.cmd", new JsonObject().put("op", "family.add").put("family", FAMILY));
      admin.ok("hooknet.hooks.cmd", new JsonObject().put("op", "event.add").put("family", FAMILY)
          .put("event", "IN"));
      admin.ok("hooknet.hooks.cmd", new JsonObject().put("op", "session.close"));
    }
  }

  /** Open file descriptors of each node that has not been restarted. */
  private Map<Integer, Long> openFiles() throws IOException {
    Map<Integer, Long> counts = new TreeMap<>();
    for (int i = 0; i < HOSTS; i++) {
      if (incarnation[i] == 1 && !down[i]) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(nodes.get(i).pid()), "fd"))) {
          counts.put(i, fds.count());
        }
      }
    }
    return counts;
  }

  /** The node's heap in use and its maximum, from its /metrics. */
  private JsonObject heap(int i) throws Exception {
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://" + net.address(i) + ":8080/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    double used = 0;
    double max = 0;
    for (String line : metrics.lines().toList()) {
      if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
        used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      } else if (line.startsWith("jvm_memory_max_bytes{area=\"heap\"")) {
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        max += Math.max(0, value);
      }
    }
    return new JsonObject().put("used", used).put("max", max);
  }

  /** The incarnation of node {@code name} that made an event at {@code micros}. */
  private int incarnationAt(String name, long micros) {
    List<Long> starts = incarnationStarts.get(Integer.parseInt(name.substring(1)) - 1);
    int at = 1;
    for (int i = 0; i < starts.size(); i++) {
      if (starts.get(i) <= micros) {
        at = i + 1;
      }
    }
    return at;
  }

  /**
   * Waits until the Java client's callback has caught up with the final change, then puts the records of every
   * incarnation of it into the history; gives the number of its operations.
   */
  private long recordJavaClient(JsonObject finalChange) {
    NodeProcess last = javaClients.get(javaClients.size() - 1);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String stream = null;
    while (System.nanoTime() < until) {
      List<JsonObject> records = records(last);
      // The callback of the last subscription, unless it was unregistered and none made since.
      stream = records.stream().filter(r -> "subscribed".equals(r.getString("kind"))
          || "unsubscribed".equals(r.getString("kind"))).reduce((first, second) -> second)
          .filter(r -> "subscribed".equals(r.getString("kind"))).map(r -> r.getString("stream")).orElse(null);
      String current = stream;
      boolean caughtUp = records.stream().anyMatch(r -> "event".equals(r.getString("kind"))
          && r.getString("stream").equals(current) && isChange(r.getJsonObject("event"), finalChange));
      if (stream != null && caughtUp) {
        break;
      }
      sleep(100);
    }
    if (stream != null) {
      history.liveAtEnd(stream);
    }
    long ops = 0;
    for (NodeProcess client : javaClients) {
      Set<String> live = new java.util.LinkedHashSet<>();
      String node = null;
      String lastUnsubscribed = null;
      long lastUnregisterEnd = 0;
      for (JsonObject r : records(client)) {
        node = r.getString("node", node);
        if ("subscribed".equals(r.getString("kind"))) {
          live.add(r.getString("stream"));
        } else if ("unsubscribed".equals(r.getString("kind"))) {
          live.remove(r.getString("stream"));
          lastUnsubscribed = r.getString("stream");
        } else if ("op".equals(r.getString("kind")) && "notify.unregister".equals(r.getString("op"))) {
          lastUnregisterEnd = r.getLong("end");
        }
      }
      Long killed = node == null ? null : javaKilledAt.get(node);
      if (killed != null) {
        live.forEach(gone -> history.streamEnded(gone, killed));
        // A teardown is given after the unregistration's answer, and may wait up to 2 s for changes made before
        // it: the process killed meanwhile never got the rest of it.
        if (lastUnsubscribed != null && killed - lastUnregisterEnd < TEARDOWN_WAIT_NANOS) {
          history.streamEnded(lastUnsubscribed, killed, true);
        }
      }
      for (JsonObject r : records(client)) {
        if ("op".equals(r.getString("kind"))) {
          ops++;
          history.op("java", r.getString("node"), null, r.getString("op"), EVENT, r.getString("hook"),
              r.getLong("start"), r.getLong("end"), r.getInteger("errno"), null, r.getLong("seq"));
        } else if ("event".equals(r.getString("kind"))) {
          javaEvents++;
          delivery(r.getString("stream"), r.getJsonObject("event"), r.getLong("at"));
        }
      }
    }
    return ops;
  }

  /** Records one event a stream received, as its JSON (a {@code HookEvent}) says. */
  private void delivery(String stream, JsonObject e, long atNanos) {
    history.delivery(stream, EVENT, e.getString("cmd"), e.getString("hook"),
        e.getString("hook") == null ? null : History.owner(e.getString("node"), e.getString("session")),
        e.getLong("epoch"), e.getLong("seq"), e.getBoolean("replay"), e.getString("cause"), e.getInteger("position"),
        atNanos);
  }

  private static List<JsonObject> records(NodeProcess client) {
    return client.stdout().stream().filter(line -> line.startsWith("record "))
        .map(line -> new JsonObject(line.substring("record ".length()))).toList();
  }

  // -- the nemesis --------------------------------------------------------------------------------------

  private void nemesis(Random random, long deadline) throws InterruptedException {
    Thread.sleep(3_000);
    while (System.nanoTime() < deadline - TimeUnit.SECONDS.toNanos(8)) {
      int target = random.nextInt(HOSTS);
      int other = (target + 1 + random.nextInt(HOSTS - 1)) % HOSTS;
      String kind = List.of("kill", "pause", "partition", "one-way", "lossy", "slow").get(random.nextInt(6));
      long start = System.nanoTime();
      switch (kind) {
        case "kill" -> {
          nodes.get(target).signal("KILL");
          down[target] = true;
          if (target == JAVA) {
            long killed = System.nanoTime() - started;
            history.sessionEnded(History.owner("j" + incarnation[target], null), killed);
            javaKilledAt.put("j" + incarnation[target], killed);
          }
          Thread.sleep(2_000 + random.nextInt(2_000));
          startNode(target);
        }
        case "pause" -> {
          nodes.get(target).signal("STOP");
          Thread.sleep(2_000 + random.nextInt(3_000));
          nodes.get(target).signal("CONT");
        }
        case "partition" -> {
          net.split(List.of(target));
          Thread.sleep(4_000 + random.nextInt(4_000));
          net.heal();
        }
        case "one-way" -> {
          net.cutOneWay(target, other);
          Thread.sleep(3_000 + random.nextInt(3_000));
          net.heal();
        }
        case "lossy" -> {
          net.lossy(target, 20);
          Thread.sleep(4_000 + random.nextInt(3_000));
          net.heal();
        }
        default -> {
          net.slow(target, 512);
          Thread.sleep(4_000 + random.nextInt(3_000));
          net.heal();
        }
      }
      history.fault(kind, target == JAVA ? "j" + incarnation[target] : "n" + (target + 1), start - started,
          System.nanoTime() - started);
      faultCounts.merge(kind, 1, Integer::sum);
      Thread.sleep(2_000 + random.nextInt(2_000));
    }
  }

  private void quiesce() {
    net.heal();
    for (int i = 0; i < HOSTS; i++) {
      if (down[i]) {
        startNode(i);
      } else {
        nodes.get(i).signal("CONT");
      }
    }
  }

  /**
   * Waits until the family takes changes from every node (reads are answered while a change waits behind a stuck
   * partition), no node lists a hook of a session that has ended (its grace period may still have been running when
   * the clients stopped) and every node lists the same chain twice in a row; records the chains; gives each event's
   * change, {@code {epoch, seq}}: a stream caught up has it as its last (a seq alone may be another lineage's). A
   * cluster that never gets there is recorded as it is at the deadline, for the checker to judge.
   */
  private JsonObject converge() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    List<JsonObject> previous = null;
    while (true) {
      boolean writable = true;
      for (int i = 0; i < NODES; i++) {
        writable &= changeable(i);
      }
      List<JsonObject> lists = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        lists.add(list(i));
      }
      Set<String> ended = history.endedSessions();
      boolean settled = lists.stream().allMatch(list -> list == null || owners(list).stream()
          .noneMatch(ended::contains));
      boolean same = writable && settled
          && lists.stream().allMatch(list -> list != null && list.equals(lists.get(0)));
      if (same && lists.equals(previous)) {
        for (int i = 0; i < NODES; i++) {
          JsonArray hooks = lists.get(i).getJsonArray("hooks");
          List<String> names = new ArrayList<>();
          List<String> owners = new ArrayList<>();
          hooks.forEach(hook -> {
            JsonObject h = (JsonObject) hook;
            names.add(h.getString("hook"));
            owners.add(History.owner(h.getString("node"), h.getString("session")));
          });
          history.chain("n" + (i + 1), EVENT, names, owners);
        }
        return new JsonObject().put("epoch", lists.get(0).getLong("epoch")).put("seq", lists.get(0).getLong("seq"));
      }
      if (System.nanoTime() > deadline) {
        for (int i = 0; i < NODES; i++) {
          JsonObject list = lists.get(i);
          history.chain("n" + (i + 1), EVENT, list == null ? List.of("(no answer)") : names(list),
              list == null ? List.of("") : owners(list));
        }
        return new JsonObject().put("epoch", 0L).put("seq", -1L);
      }
      previous = lists;
      Thread.sleep(2_000);
    }
  }

  /** Whether an event (or a last-seen change) is the change {@code change}, epoch and seq. */
  private static boolean isChange(JsonObject event, JsonObject change) {
    return event.getLong("seq") == change.getLong("seq").longValue()
        && event.getLong("epoch") == change.getLong("epoch").longValue();
  }

  private static List<String> names(JsonObject list) {
    return list.getJsonArray("hooks").stream().map(h -> ((JsonObject) h).getString("hook")).toList();
  }

  private static List<String> owners(JsonObject list) {
    return list.getJsonArray("hooks").stream().map(h -> History.owner(((JsonObject) h).getString("node"),
        ((JsonObject) h).getString("session"))).toList();
  }

  /**
   * Whether a change of the family reaches its owner from node {@code i}: adding the event it has is refused there
   * with EEXIST, changing nothing.
   */
  private boolean changeable(int i) {
    try (TcpBridgeClient admin = new TcpBridgeClient(vertx, net.address(i), BRIDGE_PORT, TOKEN)) {
      JsonObject reply = request(admin, new JsonObject().put("op", "event.add").put("family", FAMILY)
          .put("event", "IN"), Duration.ofSeconds(30));
      request(admin, new JsonObject().put("op", "session.close"), Duration.ofSeconds(10));
      return reply != null && reply.getInteger("failureCode", 0) == 17;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The chain of rb/IN as node {@code i} lists it, without the per-hook counters; null when it does not answer. */
  private JsonObject list(int i) {
    try (TcpBridgeClient admin = new TcpBridgeClient(vertx, net.address(i), BRIDGE_PORT, TOKEN)) {
      JsonObject reply = request(admin, new JsonObject().put("op", "list").put("family", FAMILY).put("event", "IN"),
          Duration.ofSeconds(30));
      request(admin, new JsonObject().put("op", "session.close"), Duration.ofSeconds(10));
      if (reply == null || reply.containsKey("failureCode")) {
        return null;
      }
      JsonObject chain = reply.getJsonObject("body").getJsonArray("events").getJsonObject(0);
      JsonArray hooks = new JsonArray();
      chain.getJsonArray("hooks").forEach(hook -> {
        JsonObject h = (JsonObject) hook;
        hooks.add(new JsonObject().put("hook", h.getString("hook")).put("node", h.getString("node"))
            .put("session", h.getString("session")));
      });
      return new JsonObject().put("epoch", chain.getLong("epoch")).put("seq", chain.getLong("seq"))
          .put("hooks", hooks);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Sends a registry command and waits for its reply frame; null when none comes in time. */
  static JsonObject request(BridgeClient bridge, JsonObject body, Duration timeout) {
    return request(bridge, "hooknet.hooks.cmd", body, timeout);
  }

  /** Sends a request to {@code address} and waits for its reply frame; null when none comes in time. */
  static JsonObject request(BridgeClient bridge, String address, JsonObject body, Duration timeout) {
    String replyAddress;
    try {
      replyAddress = bridge.sendRequest(address, body);
    } catch (RuntimeException e) {
      return null;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonObject frame : bridge.frames()) {
        if (replyAddress.equals(frame.getString("address"))) {
          return frame;
        }
      }
      if (bridge.isClosed()) {
        return null;
      }
      sleep(10);
    }
    return null;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // -- the clients ------------------------------------------------------------------------------------------

  /** A bridged client with a session that it resumes on any node, a callback stream, and hooks of its own. */
  private final class Client {
    final String name;
    final Random random;
    int node;
    BridgeClient bridge;
    String session;
    String stream;
    final List<JsonObject> streamEvents = new ArrayList<>();
    final Map<String, String> hooks = new LinkedHashMap<>();
    final List<JsonObject> sockFrames = new ArrayList<>();
    long ops;
    long sockEvents;

    final boolean observer;
    /** Whether it uses the SockJS bridge (over SockJS's WebSocket transport) instead of the TCP bridge. */
    final boolean sockJs;
    /**
     * Whether its callbacks and hooks take addresses under its session's ({@code hooknet.session.<id>.…}, its own by
     * their name, as the clients do) or under {@code hooknet.client.} (its own by a claim).
     */
    final boolean sessionAddresses;

    Client(String name, int node, Random random, boolean observer, boolean sockJs, boolean sessionAddresses) {
      this.name = name;
      this.node = node;
      this.random = random;
      this.observer = observer;
      this.sockJs = sockJs;
      this.sessionAddresses = sessionAddresses;
    }

    /** A new address for a callback or hook of {@code kind} ({@code hook}, {@code cb}). */
    String address(String kind) {
      return (sessionAddresses ? "hooknet.session." + session + "." : "hooknet.client.") + UUID.randomUUID() + "."
          + kind;
    }

    void run(long deadline) {
      while (System.nanoTime() < deadline) {
        try {
          step();
        } catch (RuntimeException e) {
          if (failures++ == 0) {
            System.out.println("client " + name + " broke off a step (and reconnects): " + e);
          }
          drop(false);
        }
        sleep(50 + random.nextInt(250));
      }
    }

    void step() {
      if (bridge == null || bridge.isClosed()) {
        connect();
        if (bridge == null) {
          return;
        }
      }
      if (stream != null && subscribeUnanswered) {
        subscribe(resumePoint());
        return;
      }
      if (observer) {
        if (stream == null) {
          subscribe(null);
        }
        return;
      }
      int dice = random.nextInt(100);
      String hook = NAMES.get(random.nextInt(NAMES.size()));
      if (dice < 35) {
        String address = address("hook");
        bridge.register(address);
        JsonObject reply = command("hook.register", hook, new JsonObject().put("address", address));
        if (reply != null && !reply.containsKey("failureCode")) {
          hooks.put(hook, address);
        }
      } else if (dice < 50 && !hooks.isEmpty()) {
        String own = List.copyOf(hooks.keySet()).get(random.nextInt(hooks.size()));
        JsonObject reply = command("hook.unregister", own, new JsonObject());
        if (reply != null && (!reply.containsKey("failureCode") || reply.getInteger("failureCode") == Errno.ENXIO.number())) {
          hooks.remove(own);
        }
      } else if (dice < 60) {
        if (stream == null) {
          subscribe(null);
        } else {
          JsonObject unregistered = command("notify.unregister", null, new JsonObject().put("address", stream));
          collect();
          streamDone(unregistered == null);
        }
      } else if (dice < 68) {
        command("run", null, new JsonObject().put("payload", new JsonObject()));
      } else if (dice < 78) {
        failASocket();
      } else if (dice < 88) {
        drop(true);
      } else if (dice < 91) {
        abandon();
      }
    }

    /** Connects to its node, or the next that answers, and resumes its session (or starts one). */
    void connect() {
      endConnection();
      for (int attempt = 0; attempt < NODES * 2; attempt++) {
        int target = (node + attempt) % NODES;
        try {
          BridgeClient next = sockJs ? new SockJsBridgeClient(vertx, net.address(target), HTTP_PORT, TOKEN)
              : new TcpBridgeClient(vertx, net.address(target), BRIDGE_PORT, TOKEN);
          if (session != null) {
            next.session(session);
          }
          JsonObject reply = request(next, new JsonObject().put("op", "session"), Duration.ofSeconds(30));
          if (reply == null || reply.containsKey("failureCode")) {
            next.close();
            continue;
          }
          JsonObject info = reply.getJsonObject("body");
          String resumedSession = info.getString("session");
          info.getJsonArray("lost", new JsonArray()).forEach(event -> lostFrames.add(((JsonObject) event).copy()
              .put("stream", HistoryChecker.OWNER_NOTICES + resumedSession)));
          bridge = next;
          consumed = 0;
          connections++;
          node = target;
          if (session != null && !info.getBoolean("resumed")) {
            history.sessionFoundEnded(session, System.nanoTime() - started);
            hooks.clear();
            if (stream != null) {
              streamDone();
            }
          }
          session = info.getString("session");
          next.register("hooknet.session." + session);
          next.register("hooknet.sock.events");
          hooks.values().forEach(next::register);
          if (stream != null) {
            subscribe(resumePoint());
          }
          return;
        } catch (RuntimeException e) {
          sleep(200);
        }
      }
      bridge = null;
    }

    void subscribe(JsonObject since) {
      if (stream == null) {
        stream = address("cb");
      }
      bridge.register(stream);
      JsonObject args = new JsonObject().put("address", stream);
      if (since != null) {
        args.put("since", since);
      }
      JsonObject reply = command("notify.register", null, args);
      // Asked again from the last change seen (or from nothing), as the clients do: a resume gives exactly what
      // was missed, or the whole chain, whether or not a register whose answer was lost had been made.
      subscribeUnanswered = reply == null
          || reply.containsKey("failureCode") && reply.getInteger("failureCode") != Errno.EEXIST.number();
    }

    /**
     * Where its stream resumes: after the last change it saw, or, when it saw nothing (its register's answer was
     * lost, and the register may have been made), from nothing, which gives the whole chain either way.
     */
    JsonObject resumePoint() {
      JsonObject last = lastSeen();
      return last != null ? last : new JsonObject().put("epoch", 0L).put("seq", 0L);
    }

    /** The (epoch, seq) of the last change or HN_SYNCED its stream saw, from every connection so far. */
    JsonObject lastSeen() {
      collect();
      for (int i = streamEvents.size() - 1; i >= 0; i--) {
        JsonObject event = streamEvents.get(i);
        if (stream.equals(event.getString("stream")) && !event.containsKey("cut") && (!event.getBoolean("replay")
            || "HN_SYNCED".equals(event.getString("cmd")))) {
          return new JsonObject().put("epoch", event.getLong("epoch")).put("seq", event.getLong("seq"));
        }
      }
      return null;
    }

    JsonObject command(String op, String hook, JsonObject args) {
      JsonObject body = args.copy().put("op", op).put("family", FAMILY).put("event", "IN");
      if (hook != null) {
        body.put("hook", hook);
      }
      long start = System.nanoTime();
      JsonObject reply = request(bridge, body, REQUEST);
      long end = System.nanoTime();
      ops++;
      int errno = reply == null ? -1 : reply.getInteger("failureCode", 0);
      JsonObject answer = reply == null || reply.containsKey("failureCode") ? null : reply.getJsonObject("body");
      Long seq = answer != null && answer.containsKey("seq") ? answer.getLong("seq") : null;
      Long epoch = answer != null && answer.containsKey("epoch") ? answer.getLong("epoch") : null;
      history.op(name, "n" + (node + 1), session, op, EVENT, hook, start - started, end - started, errno, epoch,
          seq);
      if (reply == null) {
        drop(false);
      }
      return reply;
    }

    /** Adds a pool endpoint on its node, connects to it and goes away: one end of read. */
    void failASocket() {
      JsonObject added = request(bridge, "hooknet.pool.n" + (node + 1) + ".cmd",
          new JsonObject().put("op", "add").put("endpoint", "tcp"), Duration.ofSeconds(10));
      if (added == null || added.containsKey("failureCode")) {
        return;
      }
      // The endpoint listens on the node's loopback: the application connects from inside its namespace, writes
      // one framed packet and goes away.
      String[] hostPort = added.getJsonObject("body").getString("address").split(":");
      try {
        new ProcessBuilder(net.inside(node, List.of("bash", "-c", "exec 3<>/dev/tcp/" + hostPort[0] + "/"
            + hostPort[1] + " && printf '\\0\\0\\0\\5hello' >&3"))).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Breaks the connection; with {@code resume} it comes back at once to a random node and resumes. */
    void drop(boolean resume) {
      endConnection();
      if (resume) {
        history.fault("client-disconnect", name, System.nanoTime() - started, System.nanoTime() - started);
        faultCounts.merge("client-disconnect", 1, Integer::sum);
        node = random.nextInt(NODES);
      }
    }

    /** Goes away for good: its session ends after the grace period; the client starts anew. */
    void abandon() {
      collect();
      String ended = session;
      drop(false);
      history.sessionEnded(ended, System.nanoTime() - started);
      faultCounts.merge("client-gone", 1, Integer::sum);
      session = null;
      hooks.clear();
      if (stream != null) {
        streamDone();
      }
    }

    /** Its stream ended with its session (it went away, or found the session ended): the callback went too. */
    void streamDone() {
      streamDone(false);
    }

    /** Its stream ended; {@code unanswered}: with an unregistration that got no answer (the connection went). */
    void streamDone(boolean unanswered) {
      history.streamEnded(stream, System.nanoTime() - started, unanswered);
      stream = null;
    }

    /**
     * Closes its connection, if any, and records all it received. A replay its stream was given on it that had not
     * ended (its HN_SYNCED never came) is void: the client resumes after the last change or HN_SYNCED it saw.
     */
    void endConnection() {
      if (bridge == null) {
        return;
      }
      try {
        bridge.close();
      } catch (RuntimeException e) {
        // already gone
      }
      collect();
      bridge = null;
      if (stream == null) {
        return;
      }
      for (int i = streamEvents.size() - 1; i >= 0; i--) {
        JsonObject event = streamEvents.get(i);
        if (stream.equals(event.getString("stream")) && !event.containsKey("cut")) {
          if (event.getBoolean("replay") && !"HN_SYNCED".equals(event.getString("cmd"))) {
            streamEvents.add(new JsonObject().put("stream", stream).put("cut", true));
          }
          return;
        }
      }
    }

    /** Moves what the current connection received into the client's records. */
    void collect() {
      if (bridge == null) {
        return;
      }
      List<JsonObject> frames = bridge.frames();
      while (consumed < frames.size()) {
        // Counted before it is read: a frame that fails to read is not read again.
        JsonObject frame = frames.get(consumed++);
        if (!"message".equals(frame.getString("type"))) {
          continue;
        }
        String address = frame.getString("address");
        JsonObject body = frame.getJsonObject("body");
        if (address.endsWith(".cb") && body != null) {
          streamEvents.add(body.copy().put("stream", address));
        } else if ("hooknet.sock.events".equals(address) && body != null) {
          sockFrames.add(body.copy().put("incarnation", incarnationAt(body.getString("node"), body.getLong("ts")))
              .put("via", "n" + (node + 1) + " #" + connections));
        } else if (address.startsWith("hooknet.session.") && body != null
            && address.indexOf('.', "hooknet.session.".length()) < 0) {
          lostFrames.add(body.copy().put("stream", HistoryChecker.OWNER_NOTICES
              + address.substring("hooknet.session.".length())));
        }
      }
    }

    private int consumed;
    private int failures;
    /** How many connections it has made: socket events are checked per connection. */
    private int connections;
    /** Its stream's last notify.register had no answer, or failed: its outcome is unknown and it is asked again. */
    private boolean subscribeUnanswered;
    final List<JsonObject> lostFrames = new ArrayList<>();

    long eventCount() {
      return streamEvents.stream().filter(e -> !e.containsKey("cut")).count();
    }

    /** Waits until its stream has caught up with the final seq, so that it can be checked against the chain. */
    void settle(JsonObject finalChange) {
      if (bridge == null || bridge.isClosed()) {
        connect();
      }
      if (stream == null || bridge == null) {
        return;
      }
      if (subscribeUnanswered) {
        subscribe(resumePoint());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        JsonObject last = lastSeen();
        if (last != null && isChange(last, finalChange)) {
          history.liveAtEnd(stream);
          return;
        }
        sleep(100);
      }
      history.liveAtEnd(stream);
    }

    /** Puts its stream's events and the socket events it heard into the history. */
    void record() {
      collect();
      for (JsonObject e : streamEvents) {
        if (e.containsKey("cut")) {
          history.replayCut(e.getString("stream"));
        } else {
          delivery(e.getString("stream"), e, 0);
        }
      }
      lostFrames.forEach(e -> delivery(e.getString("stream"), e, 0));
      for (JsonObject e : sockFrames) {
        sockEvents++;
        history.sockEvent(e.getString("node") + "#" + e.getInteger("incarnation"), e.getString("pool"),
            e.getLong("datafd"), e.getLong("seq"), name, e.getString("via"));
      }
    }

    void close() {
      if (bridge != null) {
        try {
          bridge.close();
        } catch (RuntimeException e) {
          // gone
        }
      }
    }
  }
}
