package io.hooknet.testing;

import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.cluster.JoinMode;
import io.hooknet.cluster.impl.LoopbackPorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Real clustered nodes in this JVM, on loopback with TCP-IP join, in a cluster of their own: a unique
 * cluster name and pinned free ports, so tests never join each other.
 */
public final class LocalCluster implements AutoCloseable {

  private final String clusterName;
  private final List<Integer> ports;
  private final List<HooknetCluster> nodes = new ArrayList<>();

  private LocalCluster(String clusterName, int size) {
    this.clusterName = clusterName;
    this.ports = freePorts(size);
  }

  /** Starts {@code size} nodes named {@code n1 … n<size>} in a new cluster named after {@code owner}. */
  public static LocalCluster start(Class<?> owner, int size) {
    LocalCluster cluster = new LocalCluster(uniqueClusterName(owner), size);
    try {
      for (int i = 0; i < size; i++) {
        cluster.nodes.add(Await.result(HooknetCluster.join(cluster.options(i))));
      }
      Await.until(size + " members in every node", Await.DEFAULT,
          () -> cluster.nodes.stream().allMatch(node -> node.members().size() == size));
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  public static String uniqueClusterName(Class<?> owner) {
    return "test-" + owner.getSimpleName() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Options for node {@code index} (0-based, named {@code n<index+1>}) of this cluster. */
  public ClusterOptions options(int index) {
    return new ClusterOptions()
        .setNodeName("n" + (index + 1))
        .setClusterName(clusterName)
        .setJoin(JoinMode.LOOPBACK)
        .setPort(ports.get(index))
        .setPortCount(1)
        .setMembers(ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.toList()));
  }

  public String clusterName() {
    return clusterName;
  }

  public List<Integer> ports() {
    return ports;
  }

  public HooknetCluster node(int index) {
    return nodes.get(index);
  }

  public Vertx vertx(int index) {
    return nodes.get(index).vertx();
  }

  /** Closes one node (a clean leave) and forgets it. */
  public void stop(int index) {
    Await.result(nodes.get(index).close());
  }

  @Override
  public void close() {
    List<Future<Void>> closing = nodes.stream().map(HooknetCluster::close).collect(Collectors.toList());
    for (Future<Void> future : closing) {
      try {
        Await.result(future);
      } catch (RuntimeException e) {
        // already closed by the test
      }
    }
  }

  /** Free ports on 127.0.0.1, as {@link LoopbackPorts#free} hands them out. */
  public static List<Integer> freePorts(int count) {
    return LoopbackPorts.free(count);
  }

  /** The first of {@code count} consecutive free ports, as {@link LoopbackPorts#consecutive} hands them out. */
  public static int consecutiveFreePorts(int count) {
    return LoopbackPorts.consecutive(count);
  }
}
