package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.LocalCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bin/hooknet node}, the README's first command, starts a node and says what it joined. */
class BinScriptIT {

  @Test
  void startsANodeAndPrintsItsNameClusterMembersAndPorts() {
    int port = LocalCluster.freePorts(1).get(0);
    String clusterName = LocalCluster.uniqueClusterName(BinScriptIT.class);
    String script = NodeProcess.projectRoot().resolve("bin/hooknet").toString();
    List<String> bridgePorts = NodeProcess.freeBridgePorts();
    List<String> command = new java.util.ArrayList<>(List.of(script, "node", "--cluster-name", clusterName,
        "--cluster-port", Integer.toString(port), "--members", "127.0.0.1:" + port));
    command.addAll(bridgePorts);
    try (NodeProcess node = NodeProcess.start("bin-hooknet", command)) {
      String bridges = node.awaitStdout("bridges:", Duration.ofSeconds(120));
      List<String> banner = node.stdout().subList(0, 9);
      String hooks = banner.get(7);
      String pools = banner.get(6);
      String members = banner.get(5);
      String name = banner.get(1).substring("  node name:    ".length());
      assertThat(name).endsWith("-" + port);
      assertThat(banner).containsExactly(
          "hooknet node '" + name + "' joined cluster '" + clusterName + "'",
          "  node name:    " + name,
          "  cluster name: " + clusterName,
          "  cluster port: 127.0.0.1:" + port,
          banner.get(4),
          members,
          pools,
          hooks,
          bridges);
      assertThat(banner.get(4)).matches("  event bus:    127\\.0\\.0\\.1:\\d+");
      assertThat(members).isEqualTo("  members:      " + name + " 127.0.0.1:" + port + " (this node)");
      assertThat(bridges).isEqualTo("  bridges:      tcp 127.0.0.1:" + bridgePorts.get(1) + ", sockjs http://127.0.0.1:"
          + bridgePorts.get(3) + "/eventbus (commands off)");
      assertThat(hooks).isEqualTo("  hooks:        commands on hooknet.hooks.cmd and hooknet.hooks." + name + ".cmd");
      assertThat(pools).matches("  pools:        default \\(channels 0-31, commands on hooknet\\.pool\\."
          + java.util.regex.Pattern.quote(name) + "\\.cmd, links on 127\\.0\\.0\\.1:\\d+\\)");
      node.signal("INT");
      assertThat(node.awaitExit(Duration.ofSeconds(30))).isEqualTo(130);
      assertThat(node.stdout()).contains("hooknet node '" + name + "' left cluster '" + clusterName + "'");
    }
  }
}
