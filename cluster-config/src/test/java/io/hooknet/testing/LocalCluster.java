package io.hooknet.testing;

import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.cluster.JoinMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** Lowest and one past the highest port handed out: below the kernel's ephemeral range (32768 up). */
  private static final int FIRST_PORT = 20_000;
  private static final int PORT_SPAN = 12_000;
  private static final AtomicInteger NEXT_PORT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(PORT_SPAN));

  /**
   * Free TCP ports on 127.0.0.1, distinct from each other and from every port an earlier call in this JVM
   * handed out, so that two calls made before either node binds its ports cannot collide. They lie below
   * the kernel's ephemeral range, where the nodes' own event buses and outgoing connections take theirs: a
   * port chosen here cannot be taken by them before the node binds it.
   */
  public static List<Integer> freePorts(int count) {
    List<Integer> ports = new ArrayList<>();
    for (int tried = 0; ports.size() < count; tried++) {
      if (tried == PORT_SPAN) {
        throw new IllegalStateException("no free port in " + FIRST_PORT + ".." + (FIRST_PORT + PORT_SPAN));
      }
      int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), PORT_SPAN);
      try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        ports.add(probe.getLocalPort());
      } catch (BindException taken) {
        // in use: the next one
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return ports;
  }

  /** The first of {@code count} consecutive free ports, handed out like {@link #freePorts}. */
  public static int consecutiveFreePorts(int count) {
    while (true) {
      List<Integer> ports = freePorts(count);
      if (ports.get(count - 1) - ports.get(0) == count - 1) {
        return ports.get(0);
      }
    }
  }
}
