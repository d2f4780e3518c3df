package io.hooknet.node;

import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.HooknetException;
import io.hooknet.bridge.BridgeVerticle;
import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.codec.Errno;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryOptions;
import io.hooknet.hooks.HookRegistryVerticle;
import io.hooknet.sockets.SocketPool;
import io.hooknet.sockets.SocketPoolVerticle;
import io.hooknet.node.impl.Dashboard;
import io.hooknet.node.impl.NodeSettings;
import io.hooknet.node.impl.Probes;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.core.net.PemTrustOptions;
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

  @Option(names = "--join-retry-seconds", paramLabel = "S",
      description = "How long to keep asking a cluster that lets no new member in for now (frozen while a split "
          + "merges); 0 fails at once. Default: 60.")
  public Integer joinRetrySeconds;

  @Option(names = "--bridge-host", paramLabel = "IP",
      description = "Address the TCP and SockJS bridges listen on (0.0.0.0 for every interface). Default: 127.0.0.1.")
  public String bridgeHost;

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

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Certificate (PEM) for TLS on the TCP bridge and HTTPS on the HTTP port; needs --tls-key.")
  public String tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PEM) of --tls-cert.")
  public String tlsKey;

  @Option(names = "--event-bus-tls", arity = "0..1", paramLabel = "BOOL",
      description = "TLS on the clustered event bus too, with --tls-cert and --tls-key; every node needs it.")
  public Boolean eventBusTls;

    @Option(names = "--session-grace-seconds", paramLabel = "S",
      description = "How long a bridged client's session outlives its connection; 0 ends it at once. Default: 10.")
  public Integer sessionGraceSeconds;

  @Option(names = "--history-size", paramLabel = "N",
      description = "Changes each event keeps for callbacks that resume. Default: 128.")
  public Integer historySize;

  @Option(names = "--hook-timeout-millis", paramLabel = "MS",
      description = "How long run waits for one hook before it stops the chain with ETIMEDOUT. Default: 5000.")
  public Integer hookTimeoutMillis;

  @Override
  public Integer call() throws InterruptedException {
    RunningNode node;
    HooknetBridgeOptions bridges;
    try {
      ClusterOptions options = NodeSettings.resolve(this, config);
      bridges = NodeSettings.resolveBridge(this, config);
      HookRegistryOptions registryOptions = NodeSettings.resolveRegistry(this, config);
      node = start(options, bridges, registryOptions);
    } catch (HooknetException e) {
      return fail(e);
    }
    printStarted(node.cluster(), System.out);
    printPool(node.pool(), System.out);
    printBridges(bridges, System.out);
    new CountDownLatch(1).await();
    return 0;
  }

  /** A started node: its cluster membership, its pool {@code default} and its hook registry. */
  record RunningNode(HooknetCluster cluster, SocketPool pool, HookRegistry registry) {
  }

  /**
   * Joins the cluster and starts the pool, the registry, the bridges, the probes and the dashboard. As soon as
   * the node is a member, a shutdown hook is registered that leaves the cluster, so that Ctrl-C while it starts
   * also leaves cleanly. A failure is a {@link HooknetException} with its errno.
   */
  static RunningNode start(ClusterOptions options, HooknetBridgeOptions bridges, HookRegistryOptions registryOptions) {
    try {
      VertxOptions vertxOptions = Probes.vertxOptions();
      if (bridges.isEventBusTls()) {
        vertxOptions.getEventBusOptions().setSsl(true).setKeyCertOptions(bridges.keyCertOptions())
            .setTrustOptions(new PemTrustOptions().addCertPath(bridges.getTlsCert()));
      }
      HooknetCluster cluster = started(HooknetCluster.join(options, vertxOptions));
      Probes.publishHooknetMeters();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> leave(cluster), "hooknet-shutdown-" + cluster.nodeName()));
      SocketPool pool = startPools(cluster);
      HookRegistryVerticle registry = new HookRegistryVerticle(cluster, registryOptions);
      String registryDeployment = started(cluster.vertx().deployVerticle(registry));
      startBridges(cluster, bridges, registry.registry(), registryDeployment);
      return new RunningNode(cluster, pool, registry.registry());
    } catch (CompletionException e) {
      throw HooknetException.from(e.getCause());
    }
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

  /** The bridges on {@code registry} (of deployment {@code registryDeployment}); {@code /ready} checks both run. */
  private static void startBridges(HooknetCluster cluster, HooknetBridgeOptions options, HookRegistry registry,
      String registryDeployment) {
    try {
      BridgeVerticle verticle = new BridgeVerticle(options, registry);
      String bridge = started(cluster.vertx().deployVerticle(verticle));
      HealthChecks ready = Probes.mount(verticle.router(), cluster,
          () -> cluster.vertx().deploymentIDs().contains(registryDeployment),
          () -> cluster.vertx().deploymentIDs().contains(bridge));
      Dashboard.mount(verticle.router(), cluster, ready);
    } catch (CompletionException e) {
      String cause = String.valueOf(e.getCause().getMessage());
      throw HooknetException.of(cause.contains("in use") ? Errno.EBUSY : Errno.EIO,
          "cannot open the bridges on %s (tcp %d, http %d): %s; choose other ports with --bridge-port and "
              + "--http-port", options.getHost(), options.getTcpPort(), options.getHttpPort(), cause);
    }
  }

  static void printBridges(HooknetBridgeOptions options, PrintStream out) {
    out.println("  bridges:      " + (options.isTls() ? "tls " : "tcp ") + options.getHost() + ":"
        + options.getTcpPort() + ", sockjs " + (options.isTls() ? "https" : "http") + "://" + options.getHost() + ":" + options.getHttpPort() + "/eventbus (commands "
        + (options.isEnableCommands() ? "on, with the token" : "off") + ")");
    out.flush();
  }

  static void printPool(SocketPool pool, PrintStream out) {
    out.println("  pools:        " + pool.name() + " (channels 0-" + (pool.maxChannels() - 1) + ", commands on "
        + SocketPool.commandAddress(pool.nodeName()) + ", links on " + pool.linkAddress() + ")");
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
