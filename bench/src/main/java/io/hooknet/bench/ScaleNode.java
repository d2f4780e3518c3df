package io.hooknet.bench;

import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.Json;
import io.hooknet.codec.SockEvent;
import io.hooknet.sockets.SocketPool;
import io.hooknet.sockets.SocketPoolOptions;
import io.hooknet.sockets.SocketPoolVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node of {@code bench/run scale}, run in a child JVM so that its memory and CPU are its own. It joins the
 * parent's cluster, then on the parent's word connects its sockets to the parent and watches them: in a hooknet
 * pool ({@code pool}), or with plain Vert.x handlers that publish the same event JSON on an end of read
 * ({@code raw}, the baseline). It answers on standard output, one line per step.
 *
 * <p>Arguments: {@code pool|raw SOCKETS PEER_PORT CLUSTER_NAME MEMBER OWN_PORT}.
 */
public final class ScaleNode {

  static final String RAW = "bench.scale.raw";

  private ScaleNode() {
  }

  public static void main(String[] args) throws Exception {
    boolean pool = args[0].equals("pool");
    int sockets = Integer.parseInt(args[1]);
    // The peers listen on several ports: one port takes at most as many connections from one address as there are
    // ephemeral ports (about 28,000).
    int[] peerPorts = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
    HooknetCluster node = HooknetCluster.join(new ClusterOptions().setNodeName("n2").setClusterName(args[3])
        .setMembers(List.of(args[4])).setPort(Integer.parseInt(args[5])).setPortCount(1)).await();
    Vertx vertx = node.vertx();
    SocketPool socketPool = null;
    if (pool) {
      SocketPoolVerticle verticle = new SocketPoolVerticle(node, new SocketPoolOptions().setMaxChannels(sockets));
      vertx.deployVerticle(verticle).await();
      socketPool = verticle.pool();
      socketPool.sockNotifyHandler(SocketPool.removeOnFault(socketPool)).await();
    }
    NetClient client = vertx.createNetClient();
    // Measure from a settled node: while partitions migrate after the join, the heap holds transient state.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!node.hazelcast().getPartitionService().isClusterSafe()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cluster was not safe within 60 s of the join");
      }
      Thread.sleep(50);
    }
    System.out.println("joined heap=" + Heap.afterGc());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    expect(in, "connect");
    AtomicLong ids = new AtomicLong();
    AtomicLong seq = new AtomicLong();
    List<Future<?>> batch = new ArrayList<>();
    for (int i = 0; i < sockets; i++) {
      SocketPool target = socketPool;
      batch.add(client.connect(peerPorts[i % peerPorts.length], "127.0.0.1").compose(socket -> target != null
          ? target.add(socket, -1).mapEmpty() : watchRaw(vertx, socket, ids.incrementAndGet(), seq)));
      if (batch.size() == 500 || i == sockets - 1) {
        Future.all(batch).await();
        batch.clear();
      }
    }
    System.out.println("ready heap=" + Heap.afterGc());
    expect(in, "exit");
    node.close().await();
    System.exit(0);
  }

  /** The baseline: a plain Vert.x socket whose end of read is published as the same event JSON. */
  private static Future<Void> watchRaw(Vertx vertx, NetSocket socket, long id, AtomicLong seq) {
    socket.handler(data -> { });
    socket.endHandler(end -> vertx.eventBus().publish(RAW, Json.toJson(SockEvent.of("n2", "raw", id, 0,
        SockEvent.TX, 0, 0, 0, seq.incrementAndGet(), System.currentTimeMillis() * 1000))));
    return Future.succeededFuture();
  }

  private static void expect(BufferedReader in, String word) throws Exception {
    String line = in.readLine();
    if (!word.equals(line)) {
      throw new IllegalStateException("expected '" + word + "' from the benchmark, got " + line);
    }
  }
}
