package io.hooknet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import io.hooknet.codec.HooknetException;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterJoinTest {

  private static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(ClusterJoinTest.class, 2);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  @Order(1)
  void membersKnowEachOtherByName() {
    for (int i = 0; i < 2; i++) {
      HooknetCluster node = cluster.node(i);
      assertThat(node.clusterName()).isEqualTo(cluster.clusterName());
      assertThat(node.members().stream().map(HooknetCluster.Member::nodeName).collect(Collectors.toList()))
          .containsExactly("n1", "n2");
      assertThat(node.memberNames()).containsExactly("n1", "n2");
      assertThat(node.members().stream().filter(HooknetCluster.Member::local).map(HooknetCluster.Member::nodeName))
          .containsExactly(node.nodeName());
      assertThat(node.address()).isEqualTo("127.0.0.1:" + cluster.ports().get(i));
    }
  }

  @Test
  @Order(2)
  void nodesRunOnTheNativeTransportUnlessTheirOptionsSayOtherwise() {
    // hooknet brings Netty's epoll for Linux on x86-64 and AArch64, and its default options prefer it.
    assertThat(System.getProperty("os.name")).isEqualTo("Linux");
    assertThat(System.getProperty("os.arch")).isIn("amd64", "aarch64");
    for (int i = 0; i < 2; i++) {
      assertThat(cluster.node(i).vertx().isNativeTransportEnabled()).isTrue();
    }
    ClusterOptions third = cluster.options(1).setNodeName("n3").setPort(LocalCluster.freePorts(1).get(0));
    third.getMembers().add("127.0.0.1:" + third.getPort());
    HooknetCluster nio = Await.result(HooknetCluster.join(third, new VertxOptions()));
    try {
      assertThat(nio.vertx().isNativeTransportEnabled()).isFalse();
      assertThat(nio.memberNames()).containsExactly("n1", "n2", "n3");
    } finally {
      Await.result(nio.close());
    }
    Await.until("n3 to leave", Duration.ofSeconds(20), () -> cluster.node(0).members().size() == 2);
  }

  @Test
  @Order(3)
  void hazelcastCompletesItsAsyncCallsOnReusedThreads() throws Exception {
    // Hazelcast hands an async call's outcome to its default executor before the caller's callbacks see it: the
    // common pool where it has parallelism, else (fewer than three cores) a thread started per call, which a
    // joined node replaces with a pool that reuses its threads.
    IMap<String, String> map = cluster.node(0).hazelcast().getMap("join-test");
    map.set("k", "v");
    List<String> threads = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      threads.add(map.getAsync("k").thenApply(value -> Thread.currentThread().getName()).toCompletableFuture()
          .get(10, TimeUnit.SECONDS));
    }
    if (ForkJoinPool.getCommonPoolParallelism() > 1) {
      assertThat(threads).allMatch(name -> name.startsWith("ForkJoinPool.commonPool-worker-"));
    } else {
      assertThat(threads).allMatch(name -> name.startsWith("hazelcast-callback-"));
      // A thread goes back to the pool just after the callback it ran: the next call may find it still busy.
      assertThat(Set.copyOf(threads)).as("threads reused: %s", threads).hasSizeLessThanOrEqualTo(5);
    }
  }

  @Test
  @Order(4)
  void duplicateNodeNameIsRefused() {
    ClusterOptions duplicate = cluster.options(1).setPortCount(1)
        .setPort(LocalCluster.freePorts(1).get(0));
    duplicate.getMembers().add("127.0.0.1:" + duplicate.getPort());
    HooknetException e = (HooknetException) Await.failure(HooknetCluster.join(duplicate));
    assertThat(e.errno()).isEqualTo(17);
    assertThat(e.getMessage()).isEqualTo("EEXIST: node name 'n2' is already taken in cluster '"
        + cluster.clusterName() + "' by the member at 127.0.0.1:" + cluster.ports().get(1));
    Await.until("the refused node to leave", Duration.ofSeconds(20),
        () -> cluster.node(0).members().size() == 2);
  }

  @Test
  @Order(5)
  void invalidOptionsFailBeforeAnythingStarts() {
    HooknetException e = (HooknetException) Await.failure(HooknetCluster.join(cluster.options(0).setPort(0)));
    assertThat(e.getMessage()).isEqualTo("EINVAL: cluster setting 'port': 0 is outside 1-65535");
  }

  @Test
  @Order(6)
  void aNameIsFreeAgainOnceItsNodeLeft() {
    cluster.stop(1);
    Await.until("n2 to leave", Duration.ofSeconds(20), () -> cluster.node(0).members().size() == 1);
    assertThat(cluster.node(0).memberNames()).containsExactly("n1");
    HooknetCluster again = Await.result(HooknetCluster.join(cluster.options(1)));
    try {
      assertThat(again.nodeName()).isEqualTo("n2");
      Await.until("n2 back", Duration.ofSeconds(20), () -> cluster.node(0).members().size() == 2);
      assertThat(cluster.node(0).memberNames()).containsExactly("n1", "n2");
    } finally {
      Await.result(again.close());
    }
  }
}
