package io.hooknet.node;

import io.hooknet.testing.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Nodes {@code n1, n2, …} in child JVMs, one in each of a {@link NetNamespaces}' hosts: a cluster on 198.18.0.0/15
 * (TCP-IP join, 1 s heartbeats, a member taken for dead after 3 s) with a TCP bridge whose commands take a token.
 */
final class NamespacedNodes {

  static final int CLUSTER_PORT = 5701;
  static final int BRIDGE_PORT = 7000;
  static final int HTTP_PORT = 8080;
  private static final Duration START = Duration.ofSeconds(90);

  private NamespacedNodes() {
  }

  /** Starts a node in each host of {@code net}, with {@code extra} options, and waits until each has joined. */
  static List<NodeProcess> start(NetNamespaces net, Class<?> test, String token, String... extra) {
    String clusterName = LocalCluster.uniqueClusterName(test);
    int hosts = net.size();
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < hosts; i++) {
      addresses.add(net.address(i) + ":" + CLUSTER_PORT);
    }
    String members = addresses.stream().collect(Collectors.joining(","));
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 0; i < hosts; i++) {
      List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
          "-Xmx256m", "-jar", NodeProcess.jarPath().toAbsolutePath().toString(), "node",
          "--node-name", "n" + (i + 1), "--cluster-name", clusterName, "--join", "tcp",
          "--host", net.address(i), "--cluster-port", Integer.toString(CLUSTER_PORT), "--port-count", "1",
          "--members", members, "--heartbeat-seconds", "1", "--max-no-heartbeat-seconds", "3",
          "--bridge-host", net.address(i), "--bridge-port", Integer.toString(BRIDGE_PORT),
          "--http-port", Integer.toString(HTTP_PORT), "--enable-commands", "--token", token));
      command.addAll(List.of(extra));
      NodeProcess node = NodeProcess.start("n" + (i + 1), net.inside(i, command));
      nodes.add(node);
      node.awaitStdout("bridges:", START);
    }
    String all = java.util.stream.IntStream.rangeClosed(1, hosts).mapToObj(i -> "n" + i)
        .collect(Collectors.joining(", "));
    nodes.get(0).awaitStderr("members: " + all, START);
    return nodes;
  }
}
