package io.hooknet.node;

import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.HooknetException;
import io.hooknet.bridge.BridgeVerticle;
import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.codec.Errno;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryVerticle;
import io.hooknet.sockets.SocketPool;
import io.hooknet.sockets.SocketPoolVerticle;
import io.hooknet.node.impl.Dashboard;
import io.hooknet.node.impl.NodeSettings;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hooknet node}: joins the cluster, prints what it joined, and runs until stopped. Ctrl-C (SIGINT) or
 * SIGTERM leaves the cluster cleanly: the node name is released and Hazelcast hands its data to the others.
 */
@Command(name = "node", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Start a hooknet node. Without options: a node on 127.0.0.1 that finds the other nodes of "
        + "this host by TCP-IP join.",
    footer = "%nA config file (--config) holds the same settings under camelCase keys (nodeName, clusterPort, "
        + "members, ...); options on the command line win over it. Exit status: 0 after a clean stop, 1 when "
        + "the node cannot start (the reason is printed with its errno name), 2 for a usage error.")
public final class NodeCommand implements Callable<Integer> {

  private static final long CLOSE_TIMEOUT_SECONDS = 30;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file with the settings below.")
  Path config;

  @Option(names = "--node-name", paramLabel = "NAME",
      description = "This node's name, unique in the cluster. Default: host name and cluster port.")
  public String nodeName;

  @Option(names = "--cluster-name", paramLabel = "NAME", description = "Cluster to join. Default: hooknet.")
  public String clusterName;

  @Option(names = "--join", paramLabel = "MODE",
      description = "How to find members: loopback, tcp, multicast or kubernetes. Default: loopback.")
  public String join;

  @Option(names = "--host", paramLabel = "IP", description = "Address to bind and be reached at. Default: 127.0.0.1.")
  public String host;

  @Option(names = "--members", paramLabel = "HOST[:PORT]", split = ",",
      description = "Members to contact (TCP-IP join). Default: 127.0.0.1.")
  public List<String> members;

  @Option(names = "--cluster-port", paramLabel = "PORT",
      description = "First Hazelcast port to try. Default: 5701.")
  public Integer clusterPort;

  @Option(names = "--port-count", paramLabel = "N",
      description = "Ports tried from --cluster-port on; 1 pins the port. Default: 10.")
  public Integer portCount;

  @Option(names = "--hazelcast-config", paramLabel = "FILE",
      description = "Hazelcast XML or YAML file to start from instead of the join mode's own.")
  public String hazelcastConfig;

  @Option(names = "--kubernetes-service", paramLabel = "NAME",
      description = "With --join kubernetes: the service whose pods are the members.")
  public String kubernetesService;

  @Option(names = "--heartbeat-seconds", paramLabel = "S", description = "Heartbeat interval. Default: 1.")
  public Integer heartbeatSeconds;

  @Option(names = "--max-no-heartbeat-seconds", paramLabel = "S",
      description = "Silence after which a member is removed. Default: 5.")
  public Integer maxNoHeartbeatSeconds;

  @Option(names = "--bridge-port", paramLabel = "PORT",
      description = "Port of the TCP event bus bridge. Default: 7000.")
  public Integer bridgePort;

  @Option(names = "--http-port", paramLabel = "PORT",
      description = "Port of the SockJS bridge (/eventbus) and the dashboard. Default: 8080.")
  public Integer httpPort;

  @Option(names = "--enable-commands", arity = "0..1", paramLabel = "BOOL",
      description = "Let bridged clients send pool and registry commands (needs --token). Default: false.")
  public Boolean enableCommands;

  @Option(names = "--token", paramLabel = "SECRET",
      description = "The token bridged commands must carry in their 'token' header (8 characters or more).")
  public String token;

  @Override
  public Integer call() throws InterruptedException {
    HooknetCluster cluster;
    SocketPool pool;
    HooknetBridgeOptions bridges;
    try {
      ClusterOptions options = NodeSettings.resolve(this, config);
      bridges = NodeSettings.resolveBridge(this, config);
      cluster = started(HooknetCluster.join(options));
      HooknetCluster joined = cluster;
      // Registered as soon as the node is a member, so that Ctrl-C while it starts also leaves cleanly.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> leave(joined), "hooknet-shutdown"));
      pool = startPools(cluster);
      startRegistry(cluster);
      startBridges(cluster, bridges);
    } catch (HooknetException e) {
      return fail(e);
    } catch (CompletionException e) {
      return fail(HooknetException.from(e.getCause()));
    }
    printStarted(cluster, System.out);
    printPool(pool, System.out);
    printBridges(bridges, System.out);
    new CountDownLatch(1).await();
    return 0;
  }

  /** Waits for a start-up step; a failure is thrown as a {@link CompletionException}. */
  private static <T> T started(Future<T> step) {
    return step.toCompletionStage().toCompletableFuture().join();
  }

  /** The node's pool {@code default}, whose faulted sockets are removed as corosync does. */
  private static SocketPool startPools(HooknetCluster cluster) {
    SocketPoolVerticle pools = new SocketPoolVerticle(cluster);
    started(cluster.vertx().deployVerticle(pools));
    SocketPool pool = pools.pool();
    started(pool.sockNotifyHandler(SocketPool.removeOnFault(pool)));
    return pool;
  }

  private static void startRegistry(HooknetCluster cluster) {
    started(cluster.vertx().deployVerticle(new HookRegistryVerticle(cluster)));
  }

  private static void startBridges(HooknetCluster cluster, HooknetBridgeOptions options) {
    try {
      BridgeVerticle verticle = new BridgeVerticle(options);
      started(cluster.vertx().deployVerticle(verticle));
      Dashboard.mount(verticle.router(), cluster);
    } catch (CompletionException e) {
      String cause = String.valueOf(e.getCause().getMessage());
      throw HooknetException.of(cause.contains("in use") ? Errno.EBUSY : Errno.EIO,
          "cannot open the bridges on %s (tcp %d, http %d): %s; choose other ports with --bridge-port and "
              + "--http-port", options.getHost(), options.getTcpPort(), options.getHttpPort(), cause);
    }
  }

  static void printBridges(HooknetBridgeOptions options, PrintStream out) {
    out.println("  bridges:      tcp " + options.getHost() + ":" + options.getTcpPort() + ", sockjs http://"
        + options.getHost() + ":" + options.getHttpPort() + "/eventbus (commands "
        + (options.isEnableCommands() ? "on, with the token" : "off") + ")");
    out.flush();
  }

  static void printPool(SocketPool pool, PrintStream out) {
    out.println("  pools:        " + pool.name() + " (channels 0-" + (pool.maxChannels() - 1) + ", commands on "
        + SocketPool.commandAddress(pool.nodeName()) + ")");
    out.println("  hooks:        commands on " + HookRegistry.COMMANDS + " and "
        + HookRegistry.nodeCommands(pool.nodeName()));
    out.flush();
  }

  private static int fail(HooknetException e) {
    System.err.println("hooknet: " + e.getMessage());
    return 1;
  }

  static void printStarted(HooknetCluster cluster, PrintStream out) {
    out.println("hooknet node '" + cluster.nodeName() + "' joined cluster '" + cluster.clusterName() + "'");
    out.println("  node name:    " + cluster.nodeName());
    out.println("  cluster name: " + cluster.clusterName());
    out.println("  cluster port: " + cluster.address());
    out.println("  event bus:    " + cluster.eventBusAddress());
    out.println("  members:      " + cluster.members().stream()
        .map(member -> member.nodeName() + " " + member.address() + (member.local() ? " (this node)" : ""))
        .collect(Collectors.joining(", ")));
    out.flush();
  }

  private static void leave(HooknetCluster cluster) {
    try {
      cluster.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      System.out.println("hooknet node '" + cluster.nodeName() + "' left cluster '" + cluster.clusterName() + "'");
    } catch (Exception e) {
      System.err.println("hooknet: leaving the cluster failed: " + e);
    }
    System.out.flush();
  }
}
