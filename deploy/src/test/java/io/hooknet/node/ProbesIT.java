package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.Await;
import io.hooknet.testing.TcpBridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics}, {@code /health} and {@code /ready} of real nodes: exact counts after known actions through
 * the TCP bridge and a pool socket, and readiness that goes DOWN while a member is frozen and the cluster's
 * partitions are not safe, and UP again once the cluster has settled without it.
 */
class ProbesIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private CommandNodes nodes;
  private Vertx vertx;

  @BeforeEach
  void start() {
    // Members are removed after 15 s of silence, so that a frozen one leaves the cluster unsafe for a while.
    nodes = new CommandNodes(ProbesIT.class, 3, "--max-no-heartbeat-seconds", "15");
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
    nodes.close();
  }

  @Test
  void metricsCountWhatHappened() throws Exception {
    TcpBridgeClient client = new TcpBridgeClient(vertx, "127.0.0.1", nodes.tcpPort(0), CommandNodes.TOKEN);
    String family = "mx" + UUID.randomUUID().toString().substring(0, 8);
    String callback = "hooknet.client." + UUID.randomUUID() + ".cb";
    client.ok(HOOKS, new JsonObject().put("op", "family.add").put("family", family));
    client.ok(HOOKS, op(family, "event.add"));
    client.register(callback);
    client.ok(HOOKS, op(family, "notify.register").put("address", callback));
    client.ok(HOOKS, op(family, "hook.register").put("hook", "a").put("address", "addr.a"));
    client.ok(HOOKS, op(family, "hook.register").put("hook", "b").put("address", "addr.b"));
    assertThat(client.request(HOOKS, op(family, "hook.register").put("hook", "a").put("address", "addr.a"))
        .getInteger("failureCode")).isEqualTo(17);
    client.ok(HOOKS, op(family, "hook.unregister").put("hook", "b"));
    assertThat(client.awaitMessages(callback, 4)).extracting(event -> event.getString("cmd"))
        .containsExactly("HN_SYNCED", "HN_REGISTER", "HN_REGISTER", "HN_UNREGISTER");

    // A hostile frame: four bytes of length, then no JSON.
    try (Socket hostile = new Socket("127.0.0.1", nodes.tcpPort(0))) {
      hostile.getOutputStream().write(frame("not json".getBytes(StandardCharsets.UTF_8)));
      assertThat(hostile.getInputStream().readAllBytes()).isNotEmpty();
    }

    // A pool socket: one packet of 5 bytes from the application, then its end of read.
    JsonObject endpoint = client.ok("hooknet.pool." + nodes.name(0) + ".cmd",
        new JsonObject().put("op", "add").put("endpoint", "tcp"));
    String[] hostPort = endpoint.getString("address").split(":");
    int channel = endpoint.getInteger("channel");
    try (Socket app = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      OutputStream out = app.getOutputStream();
      out.write(frame("hello".getBytes(StandardCharsets.UTF_8)));
      out.flush();
      awaitMetrics(0, lines -> lines.contains(
          "hooknet_switch_packets_total{channel=\"" + channel + "\",direction=\"tx\",pool=\"default\"} 1.0"));
    }

    String ch = "channel=\"" + channel + "\"";
    List<String> lines = awaitMetrics(0, scraped -> scraped.contains(
        "hooknet_sock_events_total{" + ch + ",errno=\"0\",pool=\"default\",txrx=\"tx\"} 1.0"));
    String fam = "family=\"" + family + "\"";
    // Each change is counted once, by the member that made it (its family's owner, any of the three).
    awaitSummed(Map.of(
        "hooknet_registry_changes_total{cause=\"REGISTERED\",cmd=\"HN_REGISTER\"," + fam + ",level=\"hook\"}", 2.0,
        "hooknet_registry_changes_total{cause=\"UNREGISTERED\",cmd=\"HN_UNREGISTER\"," + fam + ",level=\"hook\"}", 1.0,
        "hooknet_registry_changes_total{cause=\"REGISTERED\",cmd=\"HN_REGISTER\"," + fam + ",level=\"event\"}", 1.0));
    assertThat(lines).contains(
        "hooknet_registry_commands_seconds_count{op=\"hook.register\",outcome=\"ok\"} 2",
        "hooknet_registry_commands_seconds_count{op=\"hook.register\",outcome=\"EEXIST\"} 1",
        "hooknet_registry_commands_seconds_count{op=\"hook.unregister\",outcome=\"ok\"} 1",
        "hooknet_registry_commands_seconds_count{op=\"notify.register\",outcome=\"ok\"} 1",
        "hooknet_callbacks{event=\"IN\"," + fam + "} 1.0",
        "hooknet_callback_lag_seconds_count 3",
        "hooknet_bridge_sessions 1.0",
        "hooknet_bridge_refused_total{bridge=\"tcp\",reason=\"invalid_json\"} 1.0",
        "hooknet_switch_bytes_total{" + ch + ",direction=\"tx\",pool=\"default\"} 5.0",
        "hooknet_sock_events_total{" + ch + ",errno=\"0\",pool=\"default\",txrx=\"tx\"} 1.0");
    assertThat(lines).noneMatch(line -> line.startsWith("hooknet_callback_gaps_total") && !line.endsWith(" 0.0"));
    assertThat(lines).anyMatch(line -> line.startsWith("vertx_http_server_requests_total{"));
    // Vert.x's own meters are there too. Vert.x registers the event bus's handlers gauge once per handler, all
    // counting into one value, and the node no longer warns about it: an address the client listens to through the
    // bridge is one handler more, its unregister one less.
    double handlers = handlers(lines);
    String more = "hooknet.client." + UUID.randomUUID() + ".more";
    client.register(more);
    awaitMetrics(0, scraped -> handlers(scraped) == handlers + 1);
    client.unregister(more);
    awaitMetrics(0, scraped -> handlers(scraped) == handlers);
    assertThat(nodes.node(0).output()).contains("joined cluster")
        .doesNotContain("This Gauge has been already registered");
    client.close();
  }

  /** The value of Vert.x's {@code vertx_eventbus_handlers} gauge in a scrape. */
  private static double handlers(List<String> scraped) {
    return scraped.stream().filter(line -> line.startsWith("vertx_eventbus_handlers "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).findFirst()
        .orElseThrow(() -> new AssertionError("no vertx_eventbus_handlers in " + scraped));
  }

  @Test
  void readinessFollowsTheCluster() throws Exception {
    assertThat(get(0, "/health").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = awaitReady(0, 200);
    JsonObject body = new JsonObject(ready.body());
    assertThat(body.getString("status")).isEqualTo("UP");
    assertThat(body.getJsonArray("checks").stream().map(check -> ((JsonObject) check).getString("id")).sorted())
        .containsExactly("bridges", "cluster", "partitions", "registry");
    assertThat(members(body)).isEqualTo(3);

    // A frozen member: liveness stays UP while it is frozen and changes are made; readiness is UP again with two
    // members once the cluster has removed it. (Whether /ready is seen DOWN in between depends on Hazelcast's replica
    // sync racing the member's removal, so it is not asserted.) Meanwhile the two others' /ready is asked hard, as
    // probes and dashboards do: asking must not keep them from hearing each other, so neither leaves the cluster.
    nodes.node(2).signal("STOP");
    List<Thread> probes = new ArrayList<>();
    AtomicBoolean probing = new AtomicBoolean(true);
    AtomicInteger asked = new AtomicInteger();
    for (int i = 0; i < 4; i++) {
      int node = i % 2;
      Thread probe = new Thread(() -> {
        while (probing.get()) {
          try {
            get(node, "/ready");
            asked.incrementAndGet();
            Thread.sleep(25);
          } catch (IOException | InterruptedException e) {
            return;
          }
        }
      });
      probe.start();
      probes.add(probe);
    }
    TcpBridgeClient client = new TcpBridgeClient(vertx, "127.0.0.1", nodes.tcpPort(0), CommandNodes.TOKEN);
    try {
      for (int i = 0; i < 20; i++) {
        client.sendRequest(HOOKS, new JsonObject().put("op", "family.add").put("family", "f" + i));
      }
      assertThat(get(0, "/health").statusCode()).isEqualTo(200);
      // Until the cluster notices the frozen member, /ready may still answer UP with three members. Once it has
      // removed it, the frozen process is killed, as a liveness probe's restart would: Hazelcast's master keeps a
      // connection to a stopped process's port (its kernel still accepts) spinning an I/O thread, which can starve
      // its heartbeats to the healthy member and split the two (docs/operations.md, "A member frozen for good").
      awaitAnyReady(seen -> members(seen) != 3);
      nodes.node(2).signal("KILL");
      for (int node = 0; node < 2; node++) {
        JsonObject up = new JsonObject(awaitReady(node, 200, seen -> members(seen) != 3).body());
        assertThat(members(up))
            .as(() -> "members seen once ready: " + up.encode() + "\n" + nodes.node(0).output() + "\n"
                + nodes.node(1).output())
            .isEqualTo(2);
      }
    } finally {
      probing.set(false);
      for (Thread probe : probes) {
        probe.join();
      }
    }
    assertThat(asked.get()).as("readiness asked while the member was frozen").isGreaterThan(20);
    client.close();
  }

  private static final String HOOKS = "hooknet.hooks.cmd";

  private static JsonObject op(String family, String op) {
    return new JsonObject().put("op", op).put("family", family).put("event", "IN");
  }

  private static byte[] frame(byte[] payload) {
    return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
  }

  private static JsonObject check(JsonObject health, String id) {
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(check -> id.equals(check.getString("id"))).findFirst().orElseThrow();
  }

  private HttpResponse<String> get(int node, String path) throws IOException, InterruptedException {
    URI uri = URI.create(nodes.http(node)).resolve(path);
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> awaitReady(int node, int status) throws Exception {
    return awaitReady(node, status, body -> true);
  }

  /** Polls {@code /ready} until it answers {@code status} with a body that {@code until} accepts. */
  private HttpResponse<String> awaitReady(int node, int status, Predicate<JsonObject> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    HttpResponse<String> response = get(node, "/ready");
    while (response.statusCode() != status || !until.test(new JsonObject(response.body()))) {
      assertThat(System.nanoTime()).as("/ready answering " + status + "; last: " + response.body())
          .isLessThan(deadline);
      Thread.sleep(100);
      response = get(node, "/ready");
    }
    return response;
  }

  /** Polls both healthy nodes' {@code /ready} until one of them answers with a body that {@code until} accepts. */
  private void awaitAnyReady(Predicate<JsonObject> until) {
    Await.until("a healthy node's /ready to see the frozen member gone", Duration.ofSeconds(40),
        () -> until.test(readyBody(0)) || until.test(readyBody(1)));
  }

  private JsonObject readyBody(int node) {
    try {
      return new JsonObject(get(node, "/ready").body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int members(JsonObject ready) {
    return check(ready, "cluster").getJsonObject("data").getInteger("members");
  }

  /** Waits until each series, summed over the three nodes' {@code /metrics}, has exactly its value. */
  private void awaitSummed(Map<String, Double> expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    Map<String, Double> summed = summed(expected.keySet());
    while (!summed.equals(expected)) {
      assertThat(System.nanoTime()).as("the metrics summed over the nodes: " + summed).isLessThan(deadline);
      Thread.sleep(50);
      summed = summed(expected.keySet());
    }
  }

  private Map<String, Double> summed(Set<String> series) throws Exception {
    Map<String, Double> sums = new HashMap<>();
    series.forEach(name -> sums.put(name, 0.0));
    for (int node = 0; node < 3; node++) {
      for (String line : get(node, "/metrics").body().lines().toList()) {
        int space = line.lastIndexOf(' ');
        if (space > 0 && sums.containsKey(line.substring(0, space))) {
          sums.merge(line.substring(0, space), Double.parseDouble(line.substring(space + 1)), Double::sum);
        }
      }
    }
    return sums;
  }

  private List<String> awaitMetrics(int node, Predicate<List<String>> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    List<String> lines = get(node, "/metrics").body().lines().toList();
    while (!until.test(lines)) {
      assertThat(System.nanoTime()).as("the metrics; last:\n" + String.join("\n", lines)).isLessThan(deadline);
      Thread.sleep(50);
      lines = get(node, "/metrics").body().lines().toList();
    }
    return lines;
  }
}
