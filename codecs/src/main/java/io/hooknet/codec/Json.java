package io.hooknet.codec;

import io.hooknet.codec.impl.Mapping;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The JSON form of hooknet messages, as bridged clients see it. The same Jackson mapping gives the binary
 * form the cluster codecs use, so a message reads the same whichever way it travelled.
 */
public final class Json {

  private Json() {
  }

  /** The message as a JSON object. */
  public static JsonObject toJson(HooknetMessage message) {
    return new JsonObject(Mapping.toJsonMap(message));
  }

  /** The message as JSON text. */
  public static String encode(HooknetMessage message) {
    return new String(Mapping.toJsonBytes(message), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Reads a message of {@code type} from JSON.
   *
   * @throws HooknetException {@code EINVAL} naming the field that is missing, mistyped or out of range
   */
  public static <T> T fromJson(JsonObject json, Class<T> type) {
    if (json == null) {
      throw new HooknetException(Errno.EINVAL, "invalid " + Mapping.typeName(type) + ": no body");
    }
    Object op = json.getValue("op");
    if (op != null && !(op instanceof String) && !Mapping.typeIds(type).isEmpty()) {
      throw new HooknetException(Errno.EINVAL, "invalid " + Mapping.typeName(type) + ": field 'op' must be a "
          + "string (one of " + String.join(", ", Mapping.typeIds(type)) + "), not " + Json.describe(op));
    }
    return Mapping.fromJsonBytes(json.toBuffer().getBytes(), type);
  }

  private static String describe(Object value) {
    String text = value instanceof JsonObject || value instanceof io.vertx.core.json.JsonArray
        ? value.toString() : String.valueOf(value);
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  /** Reads a message of {@code type} from JSON text. */
  public static <T> T decode(String json, Class<T> type) {
    return Mapping.fromJsonBytes(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
  }

  /**
   * The body of an event bus message as {@code type}: a body that already is one (sent by a Java node with
   * the codecs) as it is, a JSON object (sent by a bridged client) read with {@link #fromJson}.
   *
   * @throws HooknetException {@code EINVAL} for any other body
   */
  public static <T> T body(Object body, Class<T> type) {
    if (type.isInstance(body)) {
      return type.cast(body);
    }
    if (body instanceof JsonObject) {
      return fromJson((JsonObject) body, type);
    }
    String got = body == null ? "no body" : "a " + body.getClass().getSimpleName();
    throw new HooknetException(Errno.EINVAL,
        "invalid " + Mapping.typeName(type) + ": expected a JSON object, got " + got);
  }
}
