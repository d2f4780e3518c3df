package io.hooknet.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RoundTripTest {

  static List<HooknetMessage> samples() {
    return Samples.all();
  }

  @Test
  void samplesCoverEveryMessageType() {
    assertThat(Samples.all().stream().map(Object::getClass).collect(Collectors.toList()))
        .containsExactlyInAnyOrderElementsOf(Codecs.MESSAGE_TYPES);
  }

  @Test
  void everyTypeHasItsOwnCodecName() {
    assertThat(Codecs.MESSAGE_TYPES.stream().map(type -> Codecs.codec(type).name()))
        .doesNotHaveDuplicates()
        .hasSize(38)
        .contains("hooknet.SockEvent", "hooknet.LinkEvent", "hooknet.HookEvent", "hooknet.HookCommand.HookRegister",
            "hooknet.PoolCommand.SetFwd", "hooknet.Replies.RunResult", "hooknet.HookCall.Result");
  }

  @ParameterizedTest
  @MethodSource("samples")
  void wireRoundTrip(HooknetMessage message) {
    MessageCodec<HooknetMessage, HooknetMessage> codec = codecOf(message);
    Buffer wire = Buffer.buffer("prefix");
    codec.encodeToWire(wire, message);
    assertThat(codec.decodeFromWire("prefix".length(), wire)).isEqualTo(message);
  }

  @ParameterizedTest
  @MethodSource("samples")
  void jsonRoundTrip(HooknetMessage message) {
    JsonObject json = Json.toJson(message);
    assertThat(Json.fromJson(json, message.getClass())).isEqualTo(message);
    assertThat(Json.decode(Json.encode(message), message.getClass())).isEqualTo(message);
  }

  @Test
  void jsonShapeOfSockEvent() {
    SockEvent event = SockEvent.of("n1", "default", 7, 3, SockEvent.RX, -1, 32, 4, 12, 1_000_000L);
    assertThat(Json.toJson(event)).isEqualTo(new JsonObject()
        .put("node", "n1").put("pool", "default").put("datafd", 7).put("channel", 3).put("txRx", 1)
        .put("error", -1).put("errno", 32).put("errnoName", "EPIPE").put("dropped", 4).put("seq", 12)
        .put("ts", 1_000_000));
  }

  @Test
  void endOfReadHasNoErrnoName() {
    SockEvent eof = SockEvent.of("n1", "default", 7, 3, SockEvent.TX, 0, 0, 0, 1, 5);
    assertThat(eof.errnoName()).isNull();
    assertThat(eof.endOfRead()).isTrue();
    assertThat(Json.toJson(eof).containsKey("errnoName")).isTrue();
  }

  @Test
  void commandsCarryTheirOp() {
    assertThat(Json.toJson(new HookCommand.HookRegister("inet", "PHYSICAL_IN", "ipf", null, null, "a")))
        .isEqualTo(new JsonObject().put("op", "hook.register").put("family", "inet").put("event", "PHYSICAL_IN")
            .put("hook", "ipf").put("hint", "NONE").putNull("hintValue").put("address", "a"));
    assertThat(Json.fromJson(new JsonObject().put("op", "add").put("endpoint", "tcp"), PoolCommand.class))
        .isEqualTo(new PoolCommand.Add("default", -1, PoolCommand.Endpoint.TCP));
  }

  @Test
  void bodyAcceptsTheRecordOrItsJson() {
    HookCommand.Stats stats = new HookCommand.Stats("inet", "PHYSICAL_IN");
    assertThat(Json.body(stats, HookCommand.class)).isSameAs(stats);
    assertThat(Json.body(Json.toJson(stats), HookCommand.class)).isEqualTo(stats);
  }

  @SuppressWarnings("unchecked")
  private static MessageCodec<HooknetMessage, HooknetMessage> codecOf(HooknetMessage message) {
    return Codecs.codec((Class<HooknetMessage>) message.getClass());
  }
}
