package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.LocalCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the Python client's unittest suite ({@code clients/python/tests}) against the TCP bridges of two child
 * nodes of one cluster, with commands on.
 */
class PythonClientIT {

  private static final Duration START = Duration.ofSeconds(60);
  private static final String TOKEN = "python-it-token";

  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(NodeProcess::close);
  }

  @Test
  void thePythonClientSuitePasses() throws IOException, InterruptedException {
    String clusterName = LocalCluster.uniqueClusterName(PythonClientIT.class);
    List<Integer> ports = LocalCluster.freePorts(2);
    String members = ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    List<String> bridges = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      List<String> bridgePorts = NodeProcess.freeBridgePorts();
      List<String> args = new ArrayList<>(List.of("node", "--node-name", "p" + (i + 1), "--cluster-name",
          clusterName, "--cluster-port", ports.get(i).toString(), "--port-count", "1", "--members", members,
          "--enable-commands", "--token", TOKEN));
      args.addAll(bridgePorts);
      NodeProcess node = NodeProcess.jar("p" + (i + 1), args.toArray(String[]::new));
      nodes.add(node);
      node.awaitStdout("bridges:", START);
      bridges.add("127.0.0.1:" + bridgePorts.get(1));
    }
    nodes.get(0).awaitStderr("members: p1, p2", START);

    ProcessBuilder python = new ProcessBuilder("python3", "-m", "unittest", "discover", "-s", "tests", "-t", ".",
        "-v").directory(NodeProcess.projectRoot().resolve("clients/python").toFile()).redirectErrorStream(true);
    python.environment().put("HOOKNET_BRIDGES", String.join(",", bridges));
    python.environment().put("HOOKNET_TOKEN", TOKEN);
    Process process = python.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    System.out.println(output);
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("OK");
  }
}
