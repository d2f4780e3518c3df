package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import io.hooknet.bridge.BridgeVerticle;
import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryVerticle;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import io.hooknet.testing.TcpBridgeClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A session connected at a node claims each of its addresses once per cluster view, and claims it again in a new
 * one: a merge or a lost partition, which change the view, may have given the address to another session. Through
 * a client of n1's TCP bridge on the generic command address.
 */
class ClaimViewTest {

  private static final String TOKEN = "claim-token";
  private static LocalCluster cluster;
  private static HookRegistry registry;
  private static int port;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(ClaimViewTest.class, 2);
    HookRegistryVerticle hooks = new HookRegistryVerticle(cluster.node(0));
    Await.result(cluster.vertx(0).deployVerticle(hooks));
    Await.result(cluster.vertx(1).deployVerticle(new HookRegistryVerticle(cluster.node(1))));
    registry = hooks.registry();
    List<Integer> ports = LocalCluster.freePorts(2);
    port = ports.get(0);
    Await.result(cluster.vertx(0).deployVerticle(new BridgeVerticle(new HooknetBridgeOptions().setTcpPort(port)
        .setHttpPort(ports.get(1)).setEnableCommands(true).setToken(TOKEN), registry)));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static JsonObject command(String hook, String address) {
    return new JsonObject().put("op", "hook.register").put("family", "claims")
        .put("event", "IN").put("hook", hook).put("address", address);
  }

  @Test
  void aClaimIsMadeAgainInANewClusterView() {
    Await.result(registry.addFamily("claims"));
    Await.result(registry.addEvent("claims", "IN"));
    String address = "hooknet.client.claims.hook";
    try (TcpBridgeClient client = new TcpBridgeClient(cluster.vertx(0), "127.0.0.1", port, TOKEN)) {
      client.register(address);
      assertThat(client.ok(HookRegistry.COMMANDS, command("h1", address))).isEqualTo(new JsonObject().put("seq", 1));
      IMap<String, String> claims = cluster.node(0).hazelcast().getMap(SessionClaims.MAP);
      String session = claims.get(address);
      assertThat(session).isNotNull();

      // In the same view the session's claim, made as it registered its handler, is taken as it is: a
      // registration at the address claims nothing again.
      claims.delete(address);
      assertThat(client.ok(HookRegistry.COMMANDS, command("h0", address))).isEqualTo(new JsonObject().put("seq", 2));
      assertThat(claims.containsKey(address)).isFalse();

      // The cluster's claim goes to another session, as a merge that kept the other side's claim leaves it.
      claims.put(address, "another-session");
      cluster.stop(1);
      Await.until("n1 alone in its view", Duration.ofSeconds(30),
          () -> cluster.node(0).hazelcast().getCluster().getMembers().size() == 1);

      JsonObject refused = client.request(HookRegistry.COMMANDS, command("h2", address));
      assertThat(refused.getInteger("failureCode")).isEqualTo(13);
      assertThat(refused.getString("message")).isEqualTo("EACCES: address '" + address
          + "' belongs to another session");
      assertThat(Await.result(registry.list("claims", "IN")).events().get(0).hooks())
          .extracting(hook -> hook.hook()).containsExactly("h1", "h0");
    }
  }
}
