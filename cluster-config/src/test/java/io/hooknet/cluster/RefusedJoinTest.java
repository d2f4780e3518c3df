package io.hooknet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.ClusterState;
import io.hooknet.codec.HooknetException;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.hooknet.testing.LogCapture;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node started while the cluster lets no member in: Hazelcast freezes the side of a split that merges into the
 * other until its members have moved over, and refuses a node that asks to join meanwhile.
 */
class RefusedJoinTest {

  private static final Logger CLUSTER_LOG = Logger.getLogger(HooknetCluster.class.getName());
  private static final String STATE = "Cluster state either is locked or doesn't allow new members to join -> "
      + "ClusterState{state=FROZEN";

  private static LocalCluster cluster;
  private LogCapture warnings;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(RefusedJoinTest.class, 1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @BeforeEach
  void freeze() {
    warnings = LogCapture.of(CLUSTER_LOG);
    changeState(ClusterState.FROZEN);
  }

  @AfterEach
  void thaw() {
    warnings.close();
    changeState(ClusterState.ACTIVE);
  }

  /**
   * Changes n1's cluster state once n1 is alone. A node of a test may still be leaving, its partitions migrating
   * back: the state changes with every member's consent and no migration under way, so it is asked until it can.
   */
  private static void changeState(ClusterState state) {
    Await.until("n1 alone and " + state, Duration.ofSeconds(30), () -> {
      if (cluster.node(0).members().size() != 1) {
        return false;
      }
      try {
        cluster.node(0).hazelcast().getCluster().changeClusterState(state);
        return true;
      } catch (IllegalStateException e) {
        return false;
      }
    });
  }

  @Test
  void aNodeRefusedWhileTheClusterIsFrozenJoinsOnceTheClusterLetsMembersIn() {
    Future<HooknetCluster> joining = HooknetCluster.join(second().setJoinRetrySeconds(60));
    Await.until("n2 refused twice", Duration.ofSeconds(30), () -> refusals().size() >= 2);
    assertThat(joining.isComplete()).isFalse();
    changeState(ClusterState.ACTIVE);
    HooknetCluster n2 = Await.result(joining, Duration.ofSeconds(30));
    try {
      Await.until("n2 in n1's view", Duration.ofSeconds(20), () -> cluster.node(0).members().size() == 2);
      assertThat(cluster.node(0).memberNames()).containsExactly("n1", "n2");
      assertThat(n2.memberNames()).containsExactly("n1", "n2");
      String first = refusals().get(0);
      assertThat(first).startsWith("ECONNREFUSED: cluster '" + cluster.clusterName() + "' refused node 'n2' after 1 attempt(s): "
          + STATE).endsWith("; trying again in 1000 ms");
      assertThat(refusals().get(1)).startsWith("ECONNREFUSED: cluster '" + cluster.clusterName() + "' refused node 'n2' after 2 "
          + "attempt(s): " + STATE);
    } finally {
      Await.result(n2.close());
    }
  }

  @Test
  void aClusterThatStaysFrozenRefusesTheNodeWithItsReasonOnceTheRetryTimeHasPassed() {
    long started = System.nanoTime();
    HooknetException e = (HooknetException) Await.failure(HooknetCluster.join(second().setJoinRetrySeconds(3)));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(e.errno()).isEqualTo(111);
    assertThat(e.getMessage()).matches("ECONNREFUSED: cluster '" + cluster.clusterName() + "' refused node 'n2' "
        + "after [2-4] attempt\\(s\\): Cluster state either is locked or doesn't allow new members to join -> "
        + "ClusterState\\{state=FROZEN.*");
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(10));
    assertThat(cluster.node(0).memberNames()).containsExactly("n1");
  }

  @Test
  void withoutRetryTimeTheFirstRefusalFails() {
    HooknetException e = (HooknetException) Await.failure(HooknetCluster.join(second().setJoinRetrySeconds(0)));
    assertThat(e.getMessage()).startsWith("ECONNREFUSED: cluster '" + cluster.clusterName() + "' refused node "
        + "'n2' after 1 attempt(s): " + STATE);
    assertThat(refusals()).isEmpty();
  }

  @Test
  void aRetryTimeOutOfRangeIsRefusedBeforeAnythingStarts() {
    HooknetException e = (HooknetException) Await.failure(HooknetCluster.join(second().setJoinRetrySeconds(-1)));
    assertThat(e.getMessage()).isEqualTo("EINVAL: cluster setting 'joinRetrySeconds': -1 is not between 0 and "
        + "3600 seconds");
  }

  /** Options for a second node, n2, that finds n1. */
  private static ClusterOptions second() {
    int port = LocalCluster.freePorts(1).get(0);
    ClusterOptions options = cluster.options(0).setNodeName("n2").setPort(port);
    List<String> members = new ArrayList<>(options.getMembers());
    members.add("127.0.0.1:" + port);
    return options.setMembers(members);
  }

  private List<String> refusals() {
    return warnings.messages().stream().filter(message -> message.contains("refused node 'n2'")).toList();
  }
}
