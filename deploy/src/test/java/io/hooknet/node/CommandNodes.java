package io.hooknet.node;

import io.hooknet.testing.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Child nodes of one new cluster with bridge commands on, for the polyglot client suites. */
final class CommandNodes implements AutoCloseable {

  static final String TOKEN = "client-suite-token";
  private static final Duration START = Duration.ofSeconds(60);

  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<String> tcpBridges = new ArrayList<>();
  private final List<String> sockJsBridges = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  CommandNodes(Class<?> owner, int count) {
    String clusterName = LocalCluster.uniqueClusterName(owner);
    List<Integer> ports = LocalCluster.freePorts(count);
    String members = ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    for (int i = 0; i < count; i++) {
      String name = "c" + (i + 1);
      names.add(name);
      List<String> bridgePorts = NodeProcess.freeBridgePorts();
      NodeProcess node = NodeProcess.jar(name, NodeProcess.nodeArgs(name, clusterName, ports.get(i), members,
          bridgePorts, "--enable-commands", "--token", TOKEN).toArray(String[]::new));
      nodes.add(node);
      node.awaitStdout("bridges:", START);
      tcpBridges.add("127.0.0.1:" + bridgePorts.get(1));
      sockJsBridges.add("http://127.0.0.1:" + bridgePorts.get(3) + "/eventbus");
    }
    nodes.get(0).awaitStderr("members: " + String.join(", ", names), START);
  }

  /** {@code host:port} of each node's TCP bridge, comma-separated. */
  String tcpBridges() {
    return String.join(",", tcpBridges);
  }

  /** The SockJS bridge URL of each node, comma-separated. */
  String sockJsBridges() {
    return String.join(",", sockJsBridges);
  }

  /** Node {@code index}'s name. */
  String name(int index) {
    return names.get(index);
  }

  /** Node {@code index}'s SockJS bridge URL. */
  String sockJs(int index) {
    return sockJsBridges.get(index);
  }

  /** Node {@code index}'s HTTP base URL (dashboard). */
  String http(int index) {
    return sockJsBridges.get(index).replace("/eventbus", "/");
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::close);
  }
}
