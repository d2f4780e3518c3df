package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started with {@code --tls-cert} and {@code --tls-key} (a certificate for 127.0.0.1 made with openssl):
 * the Python client over the TCP bridge and the JavaScript client over HTTPS SockJS get through when they check
 * the certificate, and are refused in plain text or without trusting it.
 */
class TlsBridgeIT {

  @TempDir
  Path dir;

  @Test
  void clientsGetThroughOverTlsAndAreRefusedInPlainText() throws Exception {
    TestCertificates certificates = TestCertificates.make(dir);
    Path cert = certificates.cert;
    Path key = certificates.key;

    int port = LocalCluster.freePorts(1).get(0);
    List<String> bridgePorts = NodeProcess.freeBridgePorts();
    String clusterName = LocalCluster.uniqueClusterName(TlsBridgeIT.class);
    try (NodeProcess node = NodeProcess.jar("t1", NodeProcess.nodeArgs("t1", clusterName, port,
        "127.0.0.1:" + port, bridgePorts, "--enable-commands", "--token", CommandNodes.TOKEN,
        "--tls-cert", cert.toString(), "--tls-key", key.toString()).toArray(String[]::new))) {
      String tcp = "127.0.0.1:" + bridgePorts.get(1);
      String sockJs = "https://127.0.0.1:" + bridgePorts.get(3) + "/eventbus";
      assertThat(node.awaitStdout("bridges:", Duration.ofSeconds(60)))
          .isEqualTo("  bridges:      tls " + tcp + ", sockjs " + sockJs + " (commands on, with the token)");

      String python = ClientSuite.run("clients/python", Map.of("HOOKNET_TLS_BRIDGE", tcp, "HOOKNET_TLS_CA", cert.toString(),
          "HOOKNET_TOKEN", CommandNodes.TOKEN), "python3", "-m", "unittest", "-v", "tests.test_tls");
      String js = ClientSuite.run("clients/js", Map.of("HOOKNET_TLS_SOCKJS", sockJs, "NODE_EXTRA_CA_CERTS", cert.toString(),
          "HOOKNET_TOKEN", CommandNodes.TOKEN), "node", "--test", "--test-timeout=60000", "test/tls.test.mjs");
      assertThat(python).contains("Ran 3 tests").doesNotContain("skipped");
      assertThat(js).contains("# pass 2").contains("# skipped 0");
    }
  }
}
