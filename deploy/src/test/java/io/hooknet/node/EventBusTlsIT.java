package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes with {@code --event-bus-tls}: their event bus servers speak TLS with the nodes' certificate, and the
 * nodes still talk to each other over it (the first node's dashboard state asks the second node's pool).
 */
class EventBusTlsIT {

  @TempDir
  Path dir;

  @Test
  void nodesTalkOverATlsEventBus() throws Exception {
    TestCertificates certificates = TestCertificates.make(dir);
    List<Integer> ports = LocalCluster.freePorts(2);
    String members = "127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1);
    String clusterName = LocalCluster.uniqueClusterName(EventBusTlsIT.class);
    List<NodeProcess> nodes = new ArrayList<>();
    List<String> http = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        List<String> bridgePorts = NodeProcess.freeBridgePorts();
        http.add("https://127.0.0.1:" + bridgePorts.get(3));
        nodes.add(NodeProcess.jar("e" + (i + 1), NodeProcess.nodeArgs("e" + (i + 1), clusterName, ports.get(i),
            members, bridgePorts, "--tls-cert", certificates.cert.toString(), "--tls-key",
            certificates.key.toString(), "--event-bus-tls").toArray(String[]::new)));
        nodes.get(i).awaitStdout("bridges:", Duration.ofSeconds(60));
      }
      assertThat(nodes.get(1).stdout()).anyMatch(line -> line.startsWith("  members:") && line.contains("e1 ")
          && line.contains("e2 "));

      // The event bus server of e2 completes a TLS handshake with its certificate.
      String eventBus = nodes.get(1).stdout().stream().filter(line -> line.startsWith("  event bus:")).findFirst()
          .orElseThrow().substring("  event bus:    ".length());
      String[] hostPort = eventBus.split(":");
      try (SSLSocket socket = (SSLSocket) certificates.trusting().getSocketFactory()
          .createSocket(hostPort[0], Integer.parseInt(hostPort[1]))) {
        socket.startHandshake();
        assertThat(socket.getSession().getPeerCertificates()).hasSize(1);
      }

      // The links of e2's pool, which carry channel data between the nodes, speak TLS too: a plain frame gets no
      // answer but the connection's end, the node's certificate completes a handshake.
      String links = nodes.get(1).stdout().stream().filter(line -> line.startsWith("  pools:")).findFirst()
          .orElseThrow().replaceAll(".*links on tls ([0-9.]+:[0-9]+)\\).*", "$1");
      String[] linkHostPort = links.split(":");
      try (Socket plain = new Socket(linkHostPort[0], Integer.parseInt(linkHostPort[1]))) {
        plain.setSoTimeout(10_000);
        // HELLO (version 1, window 4, pool "default", node "x"), then PING: a plain link would answer PONG.
        plain.getOutputStream().write(new byte[] {0, 0, 0, 18, 1, 1, 0, 0, 0, 4, 0, 7, 'd', 'e', 'f', 'a', 'u',
            'l', 't', 0, 1, 'x', 0, 0, 0, 9, 5, 0, 0, 0, 0, 0, 0, 0, 1});
        int first;
        try {
          first = plain.getInputStream().read();
        } catch (SocketException reset) {
          first = -1;
        }
        assertThat(first).as("a TLS server answers a plain PING with its end or a TLS alert, no PONG").isIn(-1, 0x15);
      }
      try (SSLSocket socket = (SSLSocket) certificates.trusting().getSocketFactory()
          .createSocket(linkHostPort[0], Integer.parseInt(linkHostPort[1]))) {
        socket.startHandshake();
        assertThat(socket.getSession().getPeerCertificates()).hasSize(1);
      }

      // e1 asks e2's pool over the event bus.
      HttpClient client = HttpClient.newBuilder().sslContext(certificates.trusting()).build();
      JsonObject state = new JsonObject(client.send(HttpRequest.newBuilder(URI.create(http.get(0) + "/api/state"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
      JsonObject e2 = state.getJsonArray("pools").stream().map(JsonObject.class::cast)
          .filter(pool -> "e2".equals(pool.getString("node"))).findFirst().orElseThrow();
      assertThat(e2.containsKey("error")).as(e2.encode()).isFalse();
      assertThat(e2.getString("pool")).isEqualTo("default");
    } finally {
      nodes.forEach(NodeProcess::close);
    }
  }
}
