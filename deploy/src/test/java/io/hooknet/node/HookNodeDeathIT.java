package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.Json;
import io.hooknet.codec.Replies;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryVerticle;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that owns hooks is killed with SIGKILL: every survivor's callbacks get {@code HN_UNREGISTER} with cause
 * {@code NODE_LEFT} once per hook, within the heartbeat timeout plus a second, and the registry keeps exactly
 * the survivors' hooks.
 */
class HookNodeDeathIT {

  private static final Duration START = Duration.ofSeconds(60);
  private static final int HEARTBEAT_SECONDS = 1;
  private static final int MAX_NO_HEARTBEAT_SECONDS = 3;

  private final String clusterName = LocalCluster.uniqueClusterName(HookNodeDeathIT.class);
  private final List<Integer> ports = LocalCluster.freePorts(3);
  private final String members = ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
  private final List<NodeProcess> children = new ArrayList<>();
  /** When each callback's events arrived here ({@link System#nanoTime}), in order, by the callback's address. */
  private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
  private HooknetCluster observer;
  /** The changes of the cluster this process saw, in order, each with its time. */
  private final List<String> views = new CopyOnWriteArrayList<>();
  /** When this process first saw each node leave ({@link System#nanoTime}). */
  private final Map<String, Long> left = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    children.forEach(NodeProcess::close);
    if (observer != null) {
      Await.result(observer.close());
    }
  }

  /** Children k1 and k2, this process as member "observer", the event inet/PHYSICAL_IN and these hooks. */
  private void cluster(List<String> hooks) {
    for (int i = 0; i < 2; i++) {
      NodeProcess child = NodeProcess.member("k" + (i + 1), clusterName, ports.get(i), members,
          "--heartbeat-seconds", Integer.toString(HEARTBEAT_SECONDS),
          "--max-no-heartbeat-seconds", Integer.toString(MAX_NO_HEARTBEAT_SECONDS));
      children.add(child);
      child.awaitStdout("bridges:", START);
    }
    observer = Await.result(HooknetCluster.join(new ClusterOptions().setNodeName("observer")
        .setClusterName(clusterName).setPort(ports.get(2)).setPortCount(1).setMembers(List.of(members.split(",")))
        .setHeartbeatIntervalSeconds(1).setMaxNoHeartbeatSeconds(MAX_NO_HEARTBEAT_SECONDS)), START);
    HookRegistryVerticle verticle = new HookRegistryVerticle(observer);
    Await.result(observer.vertx().deployVerticle(verticle));
    Await.until("3 members", START, () -> observer.members().size() == 3);
    observer.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        views.add(event.getMember().getAttribute(HooknetCluster.NODE_NAME_ATTRIBUTE) + " joined " + LocalTime.now());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String node = event.getMember().getAttribute(HooknetCluster.NODE_NAME_ATTRIBUTE);
        left.putIfAbsent(node, System.nanoTime());
        views.add(node + " left " + LocalTime.now());
      }
    });

    command(HookRegistry.COMMANDS, new JsonObject().put("op", "family.add").put("family", "inet"));
    command(HookRegistry.COMMANDS, new JsonObject().put("op", "event.add").put("family", "inet")
        .put("event", "PHYSICAL_IN"));
    for (String hook : hooks) {
      String owner = hook.substring(0, 2);
      command(HookRegistry.nodeCommands(owner), new JsonObject().put("op", "hook.register").put("family", "inet")
          .put("event", "PHYSICAL_IN").put("hook", hook).put("address", "addr." + hook));
    }
  }

  @Test
  void killedNodesHooksGoOnceEachWithNodeLeft() {
    cluster(List.of("k1-a", "k2-a", "k1-b", "k2-b", "k2-c"));
    List<HookEvent> viaK1 = callback("k1", "cb.k1");
    List<HookEvent> viaObserver = callback("observer", "cb.observer");
    Await.until("both replays", START, () -> viaK1.size() == 6 && viaObserver.size() == 6);

    long killed = System.nanoTime();
    children.get(1).signal("KILL");
    for (List<HookEvent> events : List.of(viaK1, viaObserver)) {
      await("k2's three hooks to go", Duration.ofSeconds(30), () -> events.size() >= 9, () -> "");
    }
    double seconds = (System.nanoTime() - killed) / 1e9;
    System.out.printf("NODE_LEFT for k2's hooks at both callbacks %.2f s after SIGKILL (max-no-heartbeat %d s)%n",
        seconds, MAX_NO_HEARTBEAT_SECONDS);
    for (List<HookEvent> events : List.of(viaK1, viaObserver)) {
      assertThat(events.get(5).cmd()).isEqualTo(Cmd.HN_SYNCED);
      List<HookEvent> gone = events.subList(6, events.size());
      assertThat(gone).extracting(HookEvent::hook).containsExactly("k2-a", "k2-b", "k2-c");
      assertThat(gone).allSatisfy(event -> {
        assertThat(event.cmd()).isEqualTo(Cmd.HN_UNREGISTER);
        assertThat(event.cause()).isEqualTo(Cause.NODE_LEFT);
        assertThat(event.node()).isEqualTo("k2");
      });
      assertThat(gone).extracting(HookEvent::seq).containsExactly(6L, 7L, 8L);
    }
    assertThat(seconds).isLessThan(MAX_NO_HEARTBEAT_SECONDS + 1.0);
    // Asked of a live node: just after a death the event bus may still route hooknet.hooks.cmd to the dead one.
    Replies.HookChains chains = Json.fromJson(command(HookRegistry.nodeCommands("k1"), new JsonObject()
        .put("op", "list").put("family", "inet")), Replies.HookChains.class);
    assertThat(chains.events().get(0).hooks()).extracting(Replies.HookInfo::hook).containsExactly("k1-a", "k1-b");
    // Nothing more comes: a marker change is the next event each callback sees.
    command(HookRegistry.nodeCommands("k1"), new JsonObject().put("op", "hook.register").put("family", "inet")
        .put("event", "PHYSICAL_IN").put("hook", "marker").put("address", "addr.marker"));
    for (List<HookEvent> events : List.of(viaK1, viaObserver)) {
      Await.until("the marker", Duration.ofSeconds(10), () -> events.size() >= 10);
      assertThat(events).hasSize(10);
      assertThat(events.get(9).hook()).isEqualTo("marker");
    }
  }

  @Test
  void aFrozenNodeIsTakenForDeadAndComesBackWithItsHooks() {
    cluster(List.of("k1-a", "k2-a", "k2-b"));
    List<HookEvent> viaK1 = callback("k1", "cb.k1");
    List<HookEvent> viaObserver = callback("observer", "cb.observer");
    Await.until("both replays", START, () -> viaK1.size() == 4 && viaObserver.size() == 4);

    String familyHolder = observer.hazelcast().getPartitionService().getPartition("inet").getOwner()
        .getAttribute(HooknetCluster.NODE_NAME_ATTRIBUTE);
    long stopped = System.nanoTime();
    children.get(1).signal("STOP");
    // k2 goes on as soon as this process has seen it removed, as a liveness probe would restart it: left stopped,
    // its port makes Hazelcast's output I/O thread of a member that connects there spin (docs/operations.md, "A
    // member frozen for good"), and on 2 cores this process's heartbeats to k1 then stopped for over 3 s in 4 of
    // 16 runs under load, a split this test does not make.
    await("the observer to see k2 removed", Duration.ofSeconds(30), () -> left.containsKey("k2"), () -> "");
    children.get(1).signal("CONT");
    for (List<HookEvent> events : List.of(viaK1, viaObserver)) {
      await("k2's hooks to go", Duration.ofSeconds(30), () -> events.size() >= 6, () -> "; via k1 " + viaK1
          + "; via the observer " + viaObserver + "\n" + children.get(0).output());
    }
    long told = System.nanoTime();
    long removed = left.get("k2");
    double detected = (removed - stopped) / 1e9;
    double seconds = (told - stopped) / 1e9;
    String timeline = "family held by " + familyHolder + "; after the observer saw k2 removed, cb.k1 told at "
        + secondsAfter(stopped, removed, "cb.k1") + ", cb.observer at "
        + secondsAfter(stopped, removed, "cb.observer");
    System.out.printf("NODE_LEFT for frozen k2's hooks %.2f s after SIGSTOP, %.2f s after the observer saw k2 removed"
        + " (heartbeat 1 s, max-no-heartbeat %d s); %s%n", seconds, seconds - detected, MAX_NO_HEARTBEAT_SECONDS,
        timeline);
    // Hazelcast takes a member for dead once it has been silent max-no-heartbeat seconds, checking every
    // heartbeat interval (later on a loaded machine, whose scheduling hooknet does not control); hooknet's part
    // is what follows: the events come within a second of the member's removal.
    assertThat(detected).isGreaterThanOrEqualTo(MAX_NO_HEARTBEAT_SECONDS - HEARTBEAT_SECONDS);
    assertThat(seconds - detected).as(() -> timeline + "; " + views() + "\n" + children.get(0).output())
        .isLessThan(1.0);
    for (List<HookEvent> events : List.of(viaK1, viaObserver)) {
      await("k2's hooks to come back after the merge", Duration.ofSeconds(60), () -> events.size() > 4
          && events.subList(4, events.size()).stream().filter(e -> e.cmd() != Cmd.HN_SYNCED).count() >= 4,
          () -> "; events " + events + "\n" + children.get(0).output() + "\n" + children.get(1).output());
      // After the merge the survivors assert again and bring every stream behind up to date, as a gap fill is
      // answered; a change that came live meanwhile is not given twice, and the fill's end, HN_SYNCED at the
      // stream's latest change, may follow it.
      List<HookEvent> after = events.subList(4, events.size());
      assertThat(after.stream().filter(e -> e.cmd() != Cmd.HN_SYNCED).toList()).as("events " + events)
          .extracting(e -> e.hook() + " " + e.cmd() + " " + e.cause() + " " + e.node() + " " + e.seq())
          .containsExactly("k2-a HN_UNREGISTER NODE_LEFT k2 4", "k2-b HN_UNREGISTER NODE_LEFT k2 5",
              "k2-a HN_REGISTER REGISTERED k2 6", "k2-b HN_REGISTER REGISTERED k2 7");
      for (int i = 1; i < after.size(); i++) {
        if (after.get(i).cmd() == Cmd.HN_SYNCED) {
          assertThat(after.get(i).seq()).as("HN_SYNCED after " + after.get(i - 1)).isEqualTo(after.get(i - 1).seq());
        }
      }
      assertThat(after.get(0).cmd()).isEqualTo(Cmd.HN_UNREGISTER);
      assertThat(events.subList(0, 4)).extracting(HookEvent::seq).containsExactly(3L, 3L, 3L, 3L);
    }
    Replies.HookChains chains = Json.fromJson(command(HookRegistry.nodeCommands("k1"), new JsonObject()
        .put("op", "list").put("family", "inet")), Replies.HookChains.class);
    assertThat(chains.events().get(0).hooks()).extracting(h -> h.hook() + "@" + h.node())
        .containsExactly("k1-a@k1", "k2-a@k2", "k2-b@k2");
  }

  /** Waits as {@link Await#until} does; a failure tells what this process saw of the cluster, then {@code more}. */
  private void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> more) {
    try {
      Await.until(what, timeout, condition);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; " + views() + more.get(), e);
    }
  }

  /**
   * The changes of the cluster this process saw. Only k2 is meant to leave: when k1 did too, this process (or k1)
   * was silent for longer than max-no-heartbeat, a stall of the machine that makes a split this test does not
   * make, and across which callbacks at plain event bus addresses, as these are, are not promised gapless
   * (docs/guarantees.md, "What is not promised").
   */
  private String views() {
    boolean split = views.stream().anyMatch(view -> view.startsWith("k1 left"));
    return "this process saw " + views + (split ? " (k1 and this process took each other for gone: the machine"
        + " stalled longer than max-no-heartbeat, a split this test does not make)" : "");
  }

  /** Registers a callback through node {@code owner} whose events arrive here. */
  private List<HookEvent> callback(String owner, String address) {
    List<HookEvent> events = new CopyOnWriteArrayList<>();
    List<Long> times = arrivals.computeIfAbsent(address, key -> new CopyOnWriteArrayList<>());
    Await.result(observer.vertx().eventBus().<JsonObject>consumer(address, message -> {
      times.add(System.nanoTime());
      events.add(Json.fromJson(message.body(), HookEvent.class));
    }).completion());
    command(HookRegistry.nodeCommands(owner), new JsonObject().put("op", "notify.register").put("family", "inet")
        .put("event", "PHYSICAL_IN").put("address", address));
    return events;
  }

  /**
   * The seconds from {@code since} to each event that came to {@code address} after {@code from} (both
   * {@link System#nanoTime}).
   */
  private String secondsAfter(long from, long since, String address) {
    return arrivals.get(address).stream().filter(time -> time > from)
        .map(time -> String.format("%.2f", (time - since) / 1e9)).collect(Collectors.joining(", ", "[", "] s"));
  }

  private JsonObject command(String address, JsonObject request) {
    return Await.result(observer.vertx().eventBus().<JsonObject>request(address, request)).body();
  }
}
