package io.hooknet.node;

import io.hooknet.testing.LocalCluster;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Child nodes of one new cluster with bridge commands on, for the polyglot client suites. */
final class CommandNodes implements AutoCloseable {

  static final String TOKEN = "client-suite-token";
  private static final Duration START = Duration.ofSeconds(60);

  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<String> tcpBridges = new ArrayList<>();
  private final List<String> sockJsBridges = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  /**
   * The session grace period of the nodes, short so that the suites see sessions end, and the hook timeout, well
   * within it.
   */
  static final int GRACE_SECONDS = 3;
  static final int HOOK_TIMEOUT_MILLIS = 500;

  CommandNodes(Class<?> owner, int count) {
    this(owner, count, new String[0]);
  }

  /** {@code count} nodes started with {@code extra} arguments besides the usual ones. */
  CommandNodes(Class<?> owner, int count, String... extra) {
    String clusterName = LocalCluster.uniqueClusterName(owner);
    List<Integer> ports = LocalCluster.freePorts(count);
    String members = ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    for (int i = 0; i < count; i++) {
      String name = "c" + (i + 1);
      names.add(name);
      List<String> bridgePorts = NodeProcess.freeBridgePorts();
      List<String> args = NodeProcess.nodeArgs(name, clusterName, ports.get(i), members, bridgePorts,
          "--enable-commands", "--token", TOKEN, "--session-grace-seconds", Integer.toString(GRACE_SECONDS),
          "--hook-timeout-millis", Integer.toString(HOOK_TIMEOUT_MILLIS));
      args.addAll(List.of(extra));
      NodeProcess node = NodeProcess.jar(name, args.toArray(String[]::new));
      nodes.add(node);
      node.awaitStdout("bridges:", START);
      tcpBridges.add("127.0.0.1:" + bridgePorts.get(1));
      sockJsBridges.add("http://127.0.0.1:" + bridgePorts.get(3) + "/eventbus");
    }
    nodes.get(0).awaitStderr("members: " + String.join(", ", names), START);
  }

  /** {@code host:port} of the TCP bridges of the first {@code count} nodes, comma-separated. */
  String tcpBridges(int count) {
    return String.join(",", tcpBridges.subList(0, count));
  }

  /** {@code host:port:pid} of node {@code index}'s TCP bridge and process, for a suite that kills it. */
  String tcpVictim(int index) {
    return tcpBridges.get(index) + ":" + nodes.get(index).pid();
  }

  /** {@code url pid} of node {@code index}'s SockJS bridge and process, for a suite that kills it. */
  String sockJsVictim(int index) {
    return sockJsBridges.get(index) + " " + nodes.get(index).pid();
  }

  /** The SockJS bridge URLs of the first {@code count} nodes, comma-separated. */
  String sockJsBridges(int count) {
    return String.join(",", sockJsBridges.subList(0, count));
  }

  /** Node {@code index}'s TCP bridge port (on 127.0.0.1). */
  int tcpPort(int index) {
    String bridge = tcpBridges.get(index);
    return Integer.parseInt(bridge.substring(bridge.lastIndexOf(':') + 1));
  }

  /** Node {@code index}'s process. */
  NodeProcess node(int index) {
    return nodes.get(index);
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

  /**
   * Runs a client's suite against these nodes ({@link ClientSuite#run}); when it fails, the failure carries every
   * node's output as well as the suite's.
   */
  String runSuite(String folder, Map<String, String> environment, String... command)
      throws IOException, InterruptedException {
    try {
      return ClientSuite.run(folder, environment, command);
    } catch (AssertionError failure) {
      StringBuilder explained = new StringBuilder(String.valueOf(failure.getMessage()));
      nodes.forEach(node -> explained.append('\n').append(node.output()));
      throw new AssertionError(explained.toString(), failure);
    }
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::close);
  }
}
