package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.LocalCluster;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nodes in separate JVMs, started from the fat jar, forming a cluster on loopback. */
class NodeProcessIT {

  private static final Duration START = Duration.ofSeconds(60);

  private final String clusterName = LocalCluster.uniqueClusterName(NodeProcessIT.class);
  private final List<Integer> ports = LocalCluster.freePorts(3);
  private final String members = ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
  private NodeProcess n1;
  private NodeProcess n2;
  private NodeProcess duplicate;

  @AfterEach
  void stop() {
    for (NodeProcess node : new NodeProcess[] {duplicate, n2, n1}) {
      if (node != null) {
        node.close();
      }
    }
  }

  private NodeProcess node(String name, int port) {
    return NodeProcess.member(name, clusterName, port, members);
  }

  @Test
  void twoNodesClusterAndADuplicateNameIsRefused() {
    n1 = node("n1", ports.get(0));
    n1.awaitStdout("members:", START);
    n2 = node("n2", ports.get(1));
    assertThat(n2.awaitStdout("members:", START)).isEqualTo("  members:      n1 127.0.0.1:" + ports.get(0)
        + ", n2 127.0.0.1:" + ports.get(1) + " (this node)");
    assertThat(n1.awaitStderr("node n2 joined", START)).endsWith("node n2 joined cluster '" + clusterName
        + "' at 127.0.0.1:" + ports.get(1) + "; members: n1, n2");

    duplicate = NodeProcess.jar("n2-again", NodeProcess.nodeArgs("n2", clusterName, ports.get(2), members,
        NodeProcess.freeBridgePorts()).toArray(String[]::new));
    assertThat(duplicate.awaitExit(START)).isEqualTo(1);
    assertThat(duplicate.stderr()).contains("hooknet: EEXIST: node name 'n2' is already taken in cluster '"
        + clusterName + "' by the member at 127.0.0.1:" + ports.get(1));
    assertThat(duplicate.stdout()).noneMatch(line -> line.contains("joined cluster"));
    // The refused node was a member for a moment; once it is gone, n1 and n2 remain.
    assertThat(n1.awaitStderr("from 127.0.0.1:" + ports.get(2), START)).endsWith("node n2 left cluster '"
        + clusterName + "' from 127.0.0.1:" + ports.get(2) + "; members: n1, n2");
  }

  @Test
  void ctrlCLeavesTheClusterCleanly() {
    n1 = node("n1", ports.get(0));
    n1.awaitStdout("members:", START);
    n2 = node("n2", ports.get(1));
    n2.awaitStdout("bridges:", START);
    n1.awaitStderr("node n2 joined", START);

    n2.signal("INT");
    // n2 hands its partitions over and shuts its member down (the "left cluster" line below says that was done),
    // which takes a few seconds on a loaded machine; n1 sees it go.
    assertThat(n1.awaitStderr("node n2 left", Duration.ofSeconds(20))).endsWith("node n2 left cluster '"
        + clusterName + "' from 127.0.0.1:" + ports.get(1) + "; members: n1");
    assertThat(n2.awaitExit(Duration.ofSeconds(30))).isEqualTo(130);
    assertThat(n2.stdout()).contains("hooknet node 'n2' left cluster '" + clusterName + "'");
    assertThat(n2.stderr()).noneMatch(line -> line.contains("failed"));
  }

  @Test
  void badSettingsStopTheNodeWithTheirName() {
    n1 = NodeProcess.jar("bad", "node", "--node-name", "n1", "--members", "127.0.0.1:99999");
    assertThat(n1.awaitExit(START)).isEqualTo(1);
    assertThat(n1.stderr()).containsExactly(
        "hooknet: EINVAL: cluster setting 'members': '127.0.0.1:99999' has a port outside 1-65535");
  }
}
