package io.hooknet.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every way a message can be malformed ends in one clear errno failure naming what is wrong. */
class BadInputTest {

  private static final MessageCodec<SockEvent, SockEvent> CODEC = Codecs.codec(SockEvent.class);
  private static final SockEvent EVENT = SockEvent.of("n1", "default", 7, 3, SockEvent.TX, 0, 0, 0, 1, 5);

  @Test
  void truncatedHeader() {
    assertWireError(Buffer.buffer(new byte[] {1, 0, 0}), Errno.EINVAL,
        "EINVAL: invalid hooknet.SockEvent on the wire: truncated: 3 bytes, the header alone is 5");
  }

  @Test
  void truncatedBody() {
    Buffer wire = encoded();
    Buffer cut = wire.getBuffer(0, wire.length() - 4);
    assertWireError(cut, Errno.EINVAL, "EINVAL: invalid hooknet.SockEvent on the wire: truncated: length says "
        + (wire.length() - 5) + " bytes, " + (wire.length() - 9) + " follow");
  }

  @Test
  void oversizedLength() {
    assertWireError(Buffer.buffer().appendByte(io.hooknet.codec.impl.MessageCodecImpl.VERSION).appendInt(Integer.MAX_VALUE), Errno.EMSGSIZE,
        "EMSGSIZE: invalid hooknet.SockEvent on the wire: length 2147483647 is over the limit of 16777216 bytes");
    assertWireError(Buffer.buffer().appendByte(io.hooknet.codec.impl.MessageCodecImpl.VERSION).appendInt(-1), Errno.EMSGSIZE,
        "EMSGSIZE: invalid hooknet.SockEvent on the wire: length 4294967295 is over the limit of 16777216 bytes");
  }

  @Test
  void unknownVersion() {
    Buffer wire = encoded();
    wire.setByte(0, (byte) 9);
    assertWireError(wire, Errno.EINVAL,
        "EINVAL: invalid hooknet.SockEvent on the wire: unknown codec version 9 (this node reads version 2)");
  }

  @Test
  void garbageBody() {
    byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x13, 0x37, 0x00, (byte) 0x9c};
    Buffer wire = Buffer.buffer().appendByte(io.hooknet.codec.impl.MessageCodecImpl.VERSION).appendInt(garbage.length).appendBytes(garbage);
    HooknetException e = wireError(wire);
    assertThat(e.errno()).isEqualTo(22);
    assertThat(e.getMessage()).startsWith("EINVAL: invalid SockEvent: ");
  }

  @Test
  void validCborOfAnotherShape() {
    byte[] cbor = io.hooknet.codec.impl.Mapping.toCborBytes(new Replies.Ack(3));
    Buffer wire = Buffer.buffer().appendByte(io.hooknet.codec.impl.MessageCodecImpl.VERSION).appendInt(cbor.length).appendBytes(cbor);
    assertThat(wireError(wire).getMessage()).isEqualTo("EINVAL: invalid SockEvent: not the CBOR of this message type"
        + " in this hooknet version (Cannot coerce Integer value (3) to `java.lang.String` value (but could if coercion"
        + " was enabled using `CoercionConfig`))");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing field | {'pool':'p','datafd':1,'channel':0,'txRx':0,'error':0,'errno':0,'dropped':0,'seq':1,'ts':1}"
          + " | EINVAL: invalid SockEvent: field 'node' is missing",
      "string for int | {'node':'n','pool':'p','datafd':'1','channel':0,'txRx':0,'error':0,'errno':0,'dropped':0,'seq':1,'ts':1}"
          + " | EINVAL: invalid SockEvent: field 'datafd' has the wrong type (expected an integer)",
      "float for int | {'node':'n','pool':'p','datafd':1.5,'channel':0,'txRx':0,'error':0,'errno':0,'dropped':0,'seq':1,'ts':1}"
          + " | EINVAL: invalid SockEvent: field 'datafd' has the wrong type (expected an integer)",
      "null primitive | {'node':'n','pool':'p','datafd':1,'channel':null,'txRx':0,'error':0,'errno':0,'dropped':0,'seq':1,'ts':1}"
          + " | EINVAL: invalid SockEvent: field 'channel' must not be null",
      "int for string | {'node':5,'pool':'p','datafd':1,'channel':0,'txRx':0,'error':0,'errno':0,'dropped':0,'seq':1,'ts':1}"
          + " | EINVAL: invalid SockEvent: field 'node' has the wrong type (expected a string)",
      "out of range | {'node':'n','pool':'p','datafd':1,'channel':0,'txRx':7,'error':0,'errno':0,'dropped':0,'seq':1,'ts':1}"
          + " | EINVAL: invalid SockEvent: field 'txRx' must be one of [0, 1], not 7",
      "blank name | {'node':' ','pool':'p','datafd':1,'channel':0,'txRx':0,'error':0,'errno':0,'dropped':0,'seq':1,'ts':1}"
          + " | EINVAL: invalid SockEvent: field 'node' must not be blank",
      "errno on eof | {'node':'n','pool':'p','datafd':1,'channel':0,'txRx':0,'error':0,'errno':5,'dropped':0,'seq':1,'ts':1}"
          + " | EINVAL: invalid SockEvent: field 'errno' must be 0 when error is 0 (end of read), not 5",
      "wrong errnoName | {'node':'n','pool':'p','datafd':1,'channel':0,'txRx':0,'error':-1,'errno':32,"
          + "'errnoName':'EIO','dropped':0,'seq':1,'ts':1} | EINVAL: invalid SockEvent: field 'errnoName' must be EPIPE for errno 32, not EIO",
      "unknown field | {'node':'n','pool':'p','datafd':1,'channel':0,'txRx':0,'error':0,'errno':0,'dropped':0,'seq':1,'ts':1,'x':1}"
          + " | EINVAL: invalid SockEvent: field 'x' is unknown",
  })
  void badSockEventJson(String what, String json, String expected) {
    HooknetException e = jsonError(json, SockEvent.class);
    assertThat(e.errno()).isEqualTo(22);
    assertThat(e.getMessage()).startsWith(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown op | {'op':'hook.frob','family':'inet'} | EINVAL: invalid HookCommand: field 'op' has an unknown value 'hook.frob'",
      "missing op | {'family':'inet'} | EINVAL: invalid HookCommand: field 'op' is missing",
      "bad hint | {'op':'hook.register','family':'inet','event':'E','hook':'h','hint':'SIDEWAYS','address':'a'}"
          + " | EINVAL: invalid HookCommand: field 'hint' has an unknown value 'SIDEWAYS' (expected one of NONE, FIRST, LAST, BEFORE, AFTER)",
      "numeric hint | {'op':'hook.register','family':'inet','event':'E','hook':'h','hint':1,'address':'a'}"
          + " | EINVAL: invalid HookCommand: field 'hint' has an unknown value '1' (expected one of NONE, FIRST, LAST, BEFORE, AFTER)",
      "missing address | {'op':'hook.register','family':'inet','event':'E','hook':'h'}"
          + " | EINVAL: invalid HookCommand: field 'address' is missing",
      "event without family | {'op':'list','event':'E'} | EINVAL: invalid HookCommand: field 'family' is missing",
      "null op | {'op':null} | EINVAL: invalid HookCommand: field 'op' is missing (known: family.add, family.remove,",
      "numeric op | {'op':5} | EINVAL: invalid HookCommand: field 'op' must be a string (one of family.add,",
      "object op | {'op':{'x':1}} | EINVAL: invalid HookCommand: field 'op' must be a string (one of family.add,",
      "array op | {'op':[1,2]} | EINVAL: invalid HookCommand: field 'op' must be a string (one of family.add,",
      "boolean op | {'op':true} | EINVAL: invalid HookCommand: field 'op' must be a string (one of family.add,",
      "numeric since | {'op':'notify.register','family':'f','event':'e','address':'a','since':5}"
          + " | EINVAL: invalid HookCommand: field 'since' has the wrong type (expected an object)",
      "negative since | {'op':'notify.register','family':'f','event':'e','address':'a','since':{'epoch':1,'seq':-1}}"
          + " | EINVAL: invalid HookCommand: field 'since.seq' must not be negative, not -1",
      "since without epoch | {'op':'notify.register','family':'f','event':'e','address':'a','since':{'seq':1}}"
          + " | EINVAL: invalid HookCommand: field 'since.epoch' is missing",
      "field on session | {'op':'session','family':'f'} | EINVAL: invalid HookCommand: field 'family' is unknown",
  })
  void badHookCommandJson(String what, String json, String expected) {
    assertThat(jsonError(json, HookCommand.class).getMessage()).startsWith(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "synced with a hook | {'cmd':'HN_SYNCED','family':'f','event':'e','hook':'h','node':'n','position':-1,'epoch':1,"
          + "'seq':1,'replay':true,'cause':'REPLAY'} | EINVAL: invalid HookEvent: field 'cmd' HN_SYNCED ends a replay",
      "live resync | {'cmd':'HN_REGISTER','family':'f','event':'e','hook':'h','node':'n','position':0,'epoch':1,"
          + "'seq':1,'replay':false,'cause':'RESYNC'} | EINVAL: invalid HookEvent: field 'replay' must be true with cause RESYNC",
      "replayed client left | {'cmd':'HN_UNREGISTER','family':'f','event':'e','hook':'h','node':'n','position':0,"
          + "'epoch':1,'seq':1,'replay':true,'cause':'CLIENT_LEFT'} | EINVAL: invalid HookEvent: field 'replay' must be false",
      "no epoch | {'cmd':'HN_REGISTER','family':'f','event':'e','hook':'h','node':'n','position':0,'seq':1,"
          + "'replay':false,'cause':'REGISTERED'} | EINVAL: invalid HookEvent: field 'epoch' is missing",
  })
  void badHookEventJson(String what, String json, String expected) {
    assertThat(jsonError(json, HookEvent.class).getMessage()).startsWith(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown status | {'node':'n1','pool':'p','remote':'n2','status':'FLAPPING','latencyMicros':0,'seq':1,'ts':1}"
          + " | EINVAL: invalid LinkEvent: field 'status' has an unknown value 'FLAPPING' (expected one of UP, DOWN)",
      "no status | {'node':'n1','pool':'p','remote':'n2','latencyMicros':0,'seq':1,'ts':1}"
          + " | EINVAL: invalid LinkEvent: field 'status' is missing",
      "latency when down | {'node':'n1','pool':'p','remote':'n2','status':'DOWN','latencyMicros':5,'seq':1,'ts':1}"
          + " | EINVAL: invalid LinkEvent: field 'latencyMicros' must be 0 when the link is down, not 5",
      "negative latency | {'node':'n1','pool':'p','remote':'n2','status':'UP','latencyMicros':-1,'seq':1,'ts':1}"
          + " | EINVAL: invalid LinkEvent: field 'latencyMicros' must not be negative, not -1",
      "seq 0 | {'node':'n1','pool':'p','remote':'n2','status':'UP','latencyMicros':1,'seq':0,'ts':1}"
          + " | EINVAL: invalid LinkEvent: field 'seq' must be positive, not 0",
      "blank remote | {'node':'n1','pool':'p','remote':' ','status':'UP','latencyMicros':1,'seq':1,'ts':1}"
          + " | EINVAL: invalid LinkEvent: field 'remote' must not be blank",
  })
  void badLinkEventJson(String what, String json, String expected) {
    HooknetException e = jsonError(json, LinkEvent.class);
    assertThat(e.errno()).isEqualTo(22);
    assertThat(e.getMessage()).startsWith(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "bad endpoint | {'op':'add','endpoint':'sctp'} | EINVAL: invalid PoolCommand: field 'endpoint' has an unknown value 'sctp' (expected one of unix, tcp)",
      "channel below -1 | {'op':'add','channel':-2,'endpoint':'tcp'} | EINVAL: invalid PoolCommand: field 'channel' must be -1 (lowest free) or a channel number, not -2",
      "zero datafd | {'op':'remove','datafd':0} | EINVAL: invalid PoolCommand: field 'datafd' must be positive, not 0",
      "string bool | {'op':'setfwd','enabled':'yes'} | EINVAL: invalid PoolCommand: field 'enabled' has the wrong type (expected true or false)",
      "missing bool | {'op':'setfwd'} | EINVAL: invalid PoolCommand: field 'enabled' is missing",
  })
  void badPoolCommandJson(String what, String json, String expected) {
    assertThat(jsonError(json, PoolCommand.class).getMessage()).startsWith(expected);
  }

  @Test
  void notJsonAtAll() {
    HooknetException e = catchThrowableOfType(HooknetException.class, () -> Json.decode("{\"node\": ", SockEvent.class));
    assertThat(e.errno()).isEqualTo(22);
    assertThat(e.getMessage()).startsWith("EINVAL: invalid SockEvent: not valid JSON (");
    assertThat(catchThrowableOfType(HooknetException.class, () -> Json.decode("[1,2]", SockEvent.class))
        .getMessage()).isEqualTo("EINVAL: invalid SockEvent: expected a JSON object");
    assertThat(catchThrowableOfType(HooknetException.class, () -> Json.decode("", SockEvent.class))
        .getMessage()).isEqualTo("EINVAL: invalid SockEvent: empty JSON input");
  }

  @Test
  void bodyOfTheWrongKind() {
    assertThat(catchThrowableOfType(HooknetException.class, () -> Json.body("hello", HookCommand.class))
        .getMessage()).isEqualTo("EINVAL: invalid HookCommand: expected a JSON object, got a String");
    assertThat(catchThrowableOfType(HooknetException.class, () -> Json.body(null, HookCommand.class))
        .getMessage()).isEqualTo("EINVAL: invalid HookCommand: expected a JSON object, got no body");
  }

  private static HooknetException jsonError(String singleQuoted, Class<?> type) {
    JsonObject json = new JsonObject(singleQuoted.replace('\'', '"'));
    return catchThrowableOfType(HooknetException.class, () -> Json.fromJson(json, type));
  }

  private static Buffer encoded() {
    Buffer wire = Buffer.buffer();
    CODEC.encodeToWire(wire, EVENT);
    return wire;
  }

  private static HooknetException wireError(Buffer wire) {
    return catchThrowableOfType(HooknetException.class, () -> CODEC.decodeFromWire(0, wire));
  }

  private static void assertWireError(Buffer wire, Errno errno, String message) {
    HooknetException e = wireError(wire);
    assertThat(e).isNotNull();
    assertThat(e.errno()).isEqualTo(errno.number());
    assertThat(e.getMessage()).isEqualTo(message);
  }
}
