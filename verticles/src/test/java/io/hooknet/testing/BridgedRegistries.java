package io.hooknet.testing;

import io.hooknet.bridge.BridgeVerticle;
import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryOptions;
import io.hooknet.hooks.HookRegistryVerticle;
import java.util.ArrayList;
import java.util.List;

/**
 * A registry on each node of a {@link LocalCluster}, each with its TCP and SockJS bridges, commands enabled under
 * {@code token}: the set-up of the tests that talk to the registry as bridged clients do.
 */
public final class BridgedRegistries {

  private final LocalCluster cluster;
  private final String token;
  private final List<HookRegistry> registries = new ArrayList<>();
  private final List<Integer> tcpPorts = new ArrayList<>();
  private final List<Integer> httpPorts = new ArrayList<>();

  private BridgedRegistries(LocalCluster cluster, String token) {
    this.cluster = cluster;
    this.token = token;
  }

  /** Deploys a registry with {@code options} and its bridges on the first {@code nodes} nodes of {@code cluster}. */
  public static BridgedRegistries deploy(LocalCluster cluster, int nodes, String token,
      HookRegistryOptions options) {
    BridgedRegistries deployed = new BridgedRegistries(cluster, token);
    for (int i = 0; i < nodes; i++) {
      HookRegistryVerticle hooks = new HookRegistryVerticle(cluster.node(i), new HookRegistryOptions(options));
      Await.result(cluster.vertx(i).deployVerticle(hooks));
      deployed.registries.add(hooks.registry());
      List<Integer> ports = LocalCluster.freePorts(2);
      Await.result(cluster.vertx(i).deployVerticle(new BridgeVerticle(new HooknetBridgeOptions()
          .setTcpPort(ports.get(0)).setHttpPort(ports.get(1)).setEnableCommands(true).setToken(token),
          hooks.registry())));
      deployed.tcpPorts.add(ports.get(0));
      deployed.httpPorts.add(ports.get(1));
    }
    return deployed;
  }

  public HookRegistry registry(int node) {
    return registries.get(node);
  }

  public int tcpPort(int node) {
    return tcpPorts.get(node);
  }

  public int httpPort(int node) {
    return httpPorts.get(node);
  }

  /** A new client of node {@code node}'s TCP bridge, with the token. */
  public TcpBridgeClient client(int node) {
    return new TcpBridgeClient(cluster.vertx(node), "127.0.0.1", tcpPorts.get(node), token);
  }
}
