package io.hooknet.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.PoolCommand;
import io.hooknet.codec.Replies;
import io.hooknet.codec.Replies.SocketState;
import io.hooknet.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool operations on {@code hooknet.pool.<node>.cmd}, as JSON (bridged clients) and as records (Java nodes). */
class PoolCommandsTest {

  private LocalPool local;
  private Vertx vertx;
  private String node;
  private String address;

  @BeforeEach
  void start() {
    local = new LocalPool("cmd");
    vertx = local.vertx;
    node = local.node;
    address = SocketPool.commandAddress(node);
    Await.result(local.pool.sockNotifyHandler(event -> { }));
  }

  @AfterEach
  void stop() throws IOException {
    local.close();
  }

  @Test
  void jsonRequestsGetJsonAnswers() {
    JsonObject added = json(new JsonObject().put("op", "add").put("endpoint", "tcp").put("channel", 3));
    assertThat(added.fieldNames()).containsExactlyInAnyOrder("datafd", "channel", "address");
    assertThat(added.getLong("datafd")).isEqualTo(1);
    assertThat(added.getInteger("channel")).isEqualTo(3);
    String endpoint = added.getString("address");
    assertThat(endpoint).matches("127\\.0\\.0\\.1:\\d+");

    assertThat(json(new JsonObject().put("op", "get").put("channel", 3))).isEqualTo(new JsonObject()
        .put("datafd", 1).put("channel", 3).put("kind", "tcp-endpoint").put("state", "active")
        .put("address", endpoint));
    assertThat(json(new JsonObject().put("op", "list").put("pool", "default")).getJsonArray("sockets"))
        .hasSize(1);
    assertThat(json(new JsonObject().put("op", "stats"))).isEqualTo(new JsonObject().put("node", node)
        .put("pool", "default").put("channels", new io.vertx.core.json.JsonArray()));
    assertThat(json(new JsonObject().put("op", "setfwd").put("enabled", true))).isEqualTo(new JsonObject().put("seq", 0));
    assertThat(json(new JsonObject().put("op", "remove").put("datafd", 1))).isEqualTo(new JsonObject().put("seq", 0));
    assertThat(json(new JsonObject().put("op", "list")).getJsonArray("sockets")).isEmpty();
  }

  @Test
  void recordRequestsGetRecordAnswers() {
    Replies.EndpointInfo added = Await.result(vertx.eventBus()
        .<Replies.EndpointInfo>request(address, new PoolCommand.Add(null, null, PoolCommand.Endpoint.UNIX)))
        .body();
    assertThat(added.datafd()).isEqualTo(1);
    assertThat(added.channel()).isZero();
    Replies.PoolSockets sockets = Await.result(vertx.eventBus()
        .<Replies.PoolSockets>request(address, new PoolCommand.ListSockets(null))).body();
    assertThat(sockets).isEqualTo(new Replies.PoolSockets(node, "default",
        java.util.List.of(new Replies.SocketInfo(1, 0, "unix-endpoint", SocketState.ACTIVE, added.address()))));
  }

  @Test
  void badRequestsFailWithTheirErrnoAndChangeNothing() {
    json(new JsonObject().put("op", "add").put("endpoint", "tcp"));
    assertFails(new JsonObject().put("op", "add").put("endpoint", "sctp"), 22,
        "EINVAL: invalid PoolCommand: field 'endpoint' has an unknown value 'sctp' (expected one of unix, tcp)");
    assertFails(new JsonObject().put("op", "frob"), 22,
        "EINVAL: invalid PoolCommand: field 'op' has an unknown value 'frob' (known: add, remove, get, list, stats, "
        + "setfwd)");
    assertFails(new JsonObject().put("op", "list").put("pool", "nope"), 6,
        "ENXIO: node '" + node + "' has no pool 'nope'");
    assertFails(new JsonObject().put("op", "remove").put("datafd", 7), 22, "EINVAL: datafd 7 is not in the pool");
    assertFails(new JsonObject().put("op", "get").put("channel", 40), 22, "EINVAL: channel 40 is out of range 0-31");
    assertFails(new JsonObject().put("op", "add").put("endpoint", "tcp").put("channel", 0), 16,
        "EBUSY: channel 0 is in use by datafd 1");
    assertFails("not an object", 22, "EINVAL: invalid PoolCommand: expected a JSON object, got a String");
    assertThat(json(new JsonObject().put("op", "list")).getJsonArray("sockets")).hasSize(1);
  }

  private JsonObject json(JsonObject request) {
    return Await.result(vertx.eventBus().<JsonObject>request(address, request)).body();
  }

  private void assertFails(Object request, int errno, String message) {
    Throwable failure = Await.failure(vertx.eventBus().request(address, request));
    assertThat(failure).isInstanceOf(ReplyException.class).hasMessage(message);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(errno);
  }
}
