package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/systemd/hooknet.service}: its command line, run as systemd would run it (with the built jar and a
 * config file in place of the installed ones), starts a node; the unit's stop signal makes it leave the cluster
 * and exit with a status the unit counts as success, well within its stop timeout; a bad config exits with a
 * status the unit does not restart on.
 */
class SystemdUnitIT {

  @TempDir
  Path dir;

  @Test
  void theUnitStartsANodeAndItsStopSignalLeavesTheClusterCleanly() throws Exception {
    Map<String, String> unit = service(NodeProcess.projectRoot().resolve("deploy/systemd/hooknet.service"));
    assertThat(unit.get("KillSignal")).isEqualTo("SIGINT");
    assertThat(unit.get("Restart")).isEqualTo("on-failure");
    List<String> success = Arrays.asList(unit.get("SuccessExitStatus").split(" "));
    List<String> noRestart = Arrays.asList(unit.get("RestartPreventExitStatus").split(" "));
    int stopTimeout = Integer.parseInt(unit.get("TimeoutStopSec"));

    int port = LocalCluster.freePorts(1).get(0);
    List<Integer> bridgePorts = LocalCluster.freePorts(2);
    String clusterName = LocalCluster.uniqueClusterName(SystemdUnitIT.class);
    Path config = dir.resolve("node.yaml");
    Files.writeString(config, "nodeName: svc-1\nclusterName: " + clusterName + "\nclusterPort: " + port
        + "\nportCount: 1\nmembers: 127.0.0.1:" + port + "\nbridgePort: " + bridgePorts.get(0) + "\nhttpPort: "
        + bridgePorts.get(1) + "\n");
    try (NodeProcess node = NodeProcess.start("svc-1", execStart(unit, config))) {
      node.awaitStdout("bridges:", Duration.ofSeconds(60));
      assertThat(node.stdout().get(0)).isEqualTo("hooknet node 'svc-1' joined cluster '" + clusterName + "'");
      node.signal(unit.get("KillSignal").substring("SIG".length()));
      int status = node.awaitExit(Duration.ofSeconds(stopTimeout));
      assertThat(success).contains(Integer.toString(status));
      assertThat(node.stdout()).contains("hooknet node 'svc-1' left cluster '" + clusterName + "'");
    }

    Files.writeString(config, "nodename: typo\n");
    try (NodeProcess bad = NodeProcess.start("svc-bad", execStart(unit, config))) {
      int status = bad.awaitExit(Duration.ofSeconds(60));
      assertThat(noRestart).contains(Integer.toString(status));
      assertThat(String.join("\n", bad.stderr())).contains("EINVAL: config file").contains("unknown key 'nodename'");
    }
  }

  /** The unit's ExecStart with its environment expanded and the installed paths replaced by the test's. */
  private static List<String> execStart(Map<String, String> unit, Path config) {
    String[] environment = unit.get("Environment").split("=", 2);
    List<String> command = new ArrayList<>();
    for (String word : unit.get("ExecStart").split(" ")) {
      if (word.equals("$" + environment[0])) {
        command.add(environment[1]);
      } else if (word.equals("/usr/bin/java")) {
        command.add(ProcessHandle.current().info().command().orElse("java"));
      } else if (word.equals("/opt/hooknet/hooknet.jar")) {
        command.add(NodeProcess.jarPath().toString());
      } else if (word.equals("/etc/hooknet/node.yaml")) {
        command.add(config.toString());
      } else {
        command.add(word);
      }
    }
    assertThat(command).doesNotContain("/opt/hooknet/hooknet.jar", "/etc/hooknet/node.yaml");
    return command;
  }

  /** The keys of the unit's [Service] section. */
  private static Map<String, String> service(Path file) throws Exception {
    Map<String, String> keys = new LinkedHashMap<>();
    String section = "";
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("[")) {
        section = trimmed;
      } else if (section.equals("[Service]") && trimmed.contains("=") && !trimmed.startsWith("#")) {
        String[] pair = trimmed.split("=", 2);
        keys.put(pair[0], pair[1]);
      }
    }
    return keys;
  }
}
