package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code hooknet demo}: three nodes, traffic that shows on the first one's dashboard and meters, Ctrl-C stops all. */
class DemoIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern REGISTERED =
      Pattern.compile("hooknet_registry_changes_total\\{cause=\"REGISTERED\",cmd=\"HN_REGISTER\",family=\"demo\","
          + "level=\"hook\"} (\\d+)\\.0");

  @Test
  void threeNodesWithTrafficAndCtrlCStopsThemAll() throws Exception {
    int cluster = LocalCluster.consecutiveFreePorts(3);
    int bridge = LocalCluster.consecutiveFreePorts(3);
    int http = LocalCluster.consecutiveFreePorts(3);
    String name = LocalCluster.uniqueClusterName(DemoIT.class);
    try (NodeProcess demo = NodeProcess.jar("demo", "demo", "--cluster-name", name, "--cluster-port",
        Integer.toString(cluster), "--bridge-port", Integer.toString(bridge), "--http-port", Integer.toString(http))) {
      demo.awaitStdout("traffic:", Duration.ofSeconds(120));
      assertThat(demo.stdout()).containsSubsequence(
          "  demo-1: cluster port 127.0.0.1:" + cluster + ", bridges tcp 127.0.0.1:" + bridge + ", http://127.0.0.1:"
              + http + "/",
          "  demo-3: cluster port 127.0.0.1:" + (cluster + 2) + ", bridges tcp 127.0.0.1:" + (bridge + 2)
              + ", http://127.0.0.1:" + (http + 2) + "/",
          "hooknet demo: nodes demo-1, demo-2, demo-3 in cluster '" + name + "'",
          "  dashboard:    http://127.0.0.1:" + http + "/");

      JsonObject state = new JsonObject(get(http, "/api/state"));
      assertThat(state.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("node")))
          .containsExactly("demo-1", "demo-2", "demo-3");
      // The traffic: hooks come and go on demo/IN, pool sockets fail.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      String metrics = get(http, "/metrics");
      while (registered(metrics) < 5 || !metrics.contains("hooknet_sock_events_total{")) {
        assertThat(System.nanoTime()).as("traffic in the meters").isLessThan(deadline);
        Thread.sleep(200);
        metrics = get(http, "/metrics");
      }
      JsonObject hooks = new JsonObject(get(http + 1, "/api/state")).getJsonObject("hooks");
      List<String> chain = hooks.getJsonArray("events").stream().map(JsonObject.class::cast)
          .filter(event -> "demo".equals(event.getString("family"))).findFirst().orElseThrow()
          .getJsonArray("hooks").stream().map(hook -> ((JsonObject) hook).getString("hook")).toList();
      // One hook comes every second and the oldest of four goes: the chain is the newest ones, in order.
      assertThat(chain).hasSizeBetween(3, 5).allMatch(hook -> hook.startsWith("hook-"));
      assertThat(chain).isSortedAccordingTo(
          Comparator.comparingInt(hook -> Integer.parseInt(hook.substring("hook-".length()))));

      demo.signal("INT");
      assertThat(demo.awaitExit(Duration.ofSeconds(60))).isEqualTo(130);
      assertThat(demo.stdout()).contains("hooknet node 'demo-1' left cluster '" + name + "'",
          "hooknet node 'demo-2' left cluster '" + name + "'", "hooknet node 'demo-3' left cluster '" + name + "'");
    }
  }

  private static long registered(String metrics) {
    Matcher matcher = REGISTERED.matcher(metrics);
    return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
  }

  private static String get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
