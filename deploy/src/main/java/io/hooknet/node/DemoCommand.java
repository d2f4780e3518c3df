package io.hooknet.node;

import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.JoinMode;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HooknetException;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryOptions;
import io.hooknet.node.NodeCommand.RunningNode;
import io.hooknet.sockets.SocketPool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hooknet demo}: three nodes of one cluster in this process, with a little traffic on the first — a hook
 * registered every second and the oldest of four removed, a pool socket whose peer goes away every two seconds,
 * the chain run — and the dashboard's URL. Ctrl-C stops all three, each leaving the cluster cleanly.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Start three local nodes with a little traffic and print the dashboard's URL; Ctrl-C stops them.")
public final class DemoCommand implements Callable<Integer> {

  static final int NODES = 3;
  static final String FAMILY = "demo";
  static final String EVENT = "IN";

  @Option(names = "--cluster-name", paramLabel = "NAME", description = "Cluster of the three. Default: hooknet-demo.")
  String clusterName = "hooknet-demo";

  @Option(names = "--cluster-port", paramLabel = "PORT",
      description = "Hazelcast port of the first node; the others take the next two. Default: 5701.")
  int clusterPort = 5701;

  @Option(names = "--bridge-port", paramLabel = "PORT",
      description = "TCP bridge port of the first node; the others take the next two. Default: 7000.")
  int bridgePort = HooknetBridgeOptions.DEFAULT_TCP_PORT;

  @Option(names = "--http-port", paramLabel = "PORT",
      description = "HTTP port (dashboard) of the first node; the others take the next two. Default: 8080.")
  int httpPort = HooknetBridgeOptions.DEFAULT_HTTP_PORT;

  @Override
  public Integer call() throws InterruptedException {
    List<RunningNode> nodes = new ArrayList<>();
    String members = IntStream.range(0, NODES).mapToObj(i -> "127.0.0.1:" + (clusterPort + i))
        .collect(Collectors.joining(","));
    try {
      for (int i = 0; i < NODES; i++) {
        ClusterOptions cluster = new ClusterOptions().setNodeName("demo-" + (i + 1)).setClusterName(clusterName)
            .setJoin(JoinMode.TCP).setPort(clusterPort + i).setPortCount(1).setMembers(List.of(members.split(",")));
        HooknetBridgeOptions bridges = new HooknetBridgeOptions().setTcpPort(bridgePort + i)
            .setHttpPort(httpPort + i);
        nodes.add(NodeCommand.start(cluster, bridges, new HookRegistryOptions()));
        System.out.println("  demo-" + (i + 1) + ": cluster port 127.0.0.1:" + (clusterPort + i) + ", bridges tcp "
            + "127.0.0.1:" + (bridgePort + i) + ", http://127.0.0.1:" + (httpPort + i) + "/");
      }
      traffic(nodes.get(0));
    } catch (HooknetException e) {
      System.err.println("hooknet: " + e.getMessage());
      return 1;
    }
    System.out.println("hooknet demo: nodes demo-1, demo-2, demo-3 in cluster '" + clusterName + "'");
    System.out.println("  dashboard:    http://127.0.0.1:" + httpPort + "/");
    System.out.println("  traffic:      a hook on " + FAMILY + "/" + EVENT + " every second, a failing socket every"
        + " two; Ctrl-C stops all three");
    System.out.flush();
    new CountDownLatch(1).await();
    return 0;
  }

  /** The demo's traffic, on {@code node}'s event loop. */
  private static void traffic(RunningNode node) {
    Vertx vertx = node.cluster().vertx();
    HookRegistry registry = node.registry();
    SocketPool pool = node.pool();
    String address = "demo.hook." + node.cluster().nodeName();
    vertx.eventBus().consumer(address, call -> call.reply(new JsonObject().put("rc", 0)));
    // A peer that accepts a connection and goes away half a second later: an end of read for the pool.
    NetServer peer = started(vertx.createNetServer().connectHandler(socket -> vertx.setTimer(500, id -> socket.close()))
        .listen(0, "127.0.0.1"));
    started(registry.addFamily(FAMILY).recover(exists -> Future.succeededFuture(0L))
        .compose(done -> registry.addEvent(FAMILY, EVENT)).recover(exists -> Future.succeededFuture(0L)));
    long[] tick = {0};
    vertx.setPeriodic(1_000, id -> {
      long n = ++tick[0];
      registry.register(FAMILY, EVENT, "hook-" + n, null, null, address)
          .compose(added -> n > 4 ? registry.unregister(FAMILY, EVENT, "hook-" + (n - 4)) : Future.succeededFuture())
          .compose(changed -> registry.run(new HookCommand.Run(FAMILY, EVENT, null)));
      if (n % 2 == 0) {
        int channel = (int) (n / 2 % 8) + 1;
        vertx.createNetClient().connect(peer.actualPort(), "127.0.0.1")
            .compose(socket -> pool.add(socket, channel));
      }
    });
  }

  private static <T> T started(Future<T> step) {
    try {
      return step.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw HooknetException.from(e.getCause());
    }
  }
}
