package io.hooknet.bench;

import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.cluster.impl.LoopbackPorts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Clustered nodes n1…nN in this process, joined over TCP-IP on loopback under a cluster name of their own. */
final class Nodes implements AutoCloseable {

  private final List<HooknetCluster> nodes = new ArrayList<>();
  private final String clusterName = "bench-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> members = new ArrayList<>();

  private Nodes() {
  }

  static Nodes start(int count) throws IOException {
    Nodes started = new Nodes();
    List<Integer> ports = freePorts(count);
    ports.forEach(port -> started.members.add("127.0.0.1:" + port));
    try {
      for (int i = 0; i < count; i++) {
        started.nodes.add(HooknetCluster.join(started.options("n" + (i + 1), ports.get(i))).await());
      }
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    return started;
  }

  /** The options another member of this cluster (in a child process, say) joins with. */
  ClusterOptions options(String nodeName, int port) {
    return new ClusterOptions().setNodeName(nodeName).setClusterName(clusterName).setPort(port).setPortCount(1)
        .setMembers(members);
  }

  String clusterName() {
    return clusterName;
  }

  List<String> members() {
    return List.copyOf(members);
  }

  /** Node n{@code number}. */
  HooknetCluster node(int number) {
    return nodes.get(number - 1);
  }

  List<HooknetCluster> all() {
    return List.copyOf(nodes);
  }

  @Override
  public void close() {
    for (HooknetCluster node : nodes) {
      node.close().await();
    }
  }

  /** Free ports on 127.0.0.1 below the ephemeral range, each handed out once ({@link LoopbackPorts}). */
  static List<Integer> freePorts(int count) {
    return LoopbackPorts.free(count);
  }
}
