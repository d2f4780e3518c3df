package io.hooknet.codec.impl;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The one Jackson mapping of hooknet messages, in two encodings: JSON for bridges and CBOR for the cluster
 * codecs. Both mappers are configured alike and strictly: a field of the wrong JSON type is an error, not a
 * coercion ({@code "5"} is no int), unknown fields are errors, and every failure becomes an {@code EINVAL}
 * that names the message type and the field.
 */
public final class Mapping {

  /**
   * In CBOR, a record is an array of its components in declaration order: the cluster codecs are read only by
   * nodes of the same version ({@link MessageCodecImpl#VERSION}), and a message without property names decodes in
   * about two thirds of the time (names were most of the cost of reading a registry change or a replay). A record
   * annotated {@code @JsonFormat(shape = OBJECT)} stays a map.
   */
  private static final class RecordsAsArrays extends JacksonAnnotationIntrospector {
    private static final long serialVersionUID = 1L;

    @Override
    public JsonFormat.Value findFormat(Annotated annotated) {
      JsonFormat.Value format = super.findFormat(annotated);
      if (!(annotated instanceof AnnotatedClass) || !annotated.getRawType().isRecord()) {
        return format;
      }
      if (format == null) {
        return JsonFormat.Value.forShape(JsonFormat.Shape.ARRAY);
      }
      // A record that says its shape (a map read by name elsewhere) keeps it.
      return format.getShape() == JsonFormat.Shape.ANY ? format.withShape(JsonFormat.Shape.ARRAY) : format;
    }
  }

  private static final ObjectMapper JSON = configure(new ObjectMapper());
  private static final ObjectMapper CBOR = configure(new CBORMapper())
      .setAnnotationIntrospector(new RecordsAsArrays());
  /**
   * A reader per message type and encoding, made once: {@code readValue(bytes, type)} on the mapper resolves the
   * type and looks up its deserializer again on every call, a fifth of the time of a small message.
   */
  private static final ClassValue<ObjectReader> JSON_READERS = readers(JSON);
  private static final ClassValue<ObjectReader> CBOR_READERS = readers(CBOR);

  private Mapping() {
  }

  private static ObjectMapper configure(ObjectMapper mapper) {
    // Numbers and booleans are never optional: null is an error, not 0 or false.
    for (Class<?> primitive : new Class<?>[] {int.class, long.class, boolean.class}) {
      mapper.configOverride(primitive).setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.FAIL));
    }
    mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    for (LogicalType scalar : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      mapper.coercionConfigFor(scalar).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
      mapper.coercionConfigFor(scalar).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    for (CoercionInputShape shape : new CoercionInputShape[] {
        CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
      mapper.coercionConfigFor(LogicalType.Enum).setCoercion(shape, CoercionAction.Fail);
    }
    return mapper;
  }

  public static byte[] toJsonBytes(Object message) {
    return write(JSON, message);
  }

  /**
   * The message as the map its JSON text would parse into (objects as maps, arrays as lists, numbers as the
   * smallest of Integer and Long that holds them), made without writing and parsing the text.
   */
  @SuppressWarnings("unchecked")
  public static java.util.Map<String, Object> toJsonMap(Object message) {
    return JSON.convertValue(message, java.util.LinkedHashMap.class);
  }

  public static byte[] toCborBytes(Object message) {
    return write(CBOR, message);
  }

  public static <T> T fromJsonBytes(byte[] json, Class<T> type) {
    return read(JSON_READERS, "JSON", json, type);
  }

  public static <T> T fromCborBytes(byte[] cbor, Class<T> type) {
    return read(CBOR_READERS, "CBOR", cbor, type);
  }

  private static ClassValue<ObjectReader> readers(ObjectMapper mapper) {
    return new ClassValue<>() {
      @Override
      protected ObjectReader computeValue(Class<?> type) {
        return mapper.readerFor(type);
      }
    };
  }

  /** The name of a message type as users know it: {@code HookCommand.Run}, {@code SockEvent}. */
  public static String typeName(Class<?> type) {
    String name = type.getName();
    return name.substring(name.lastIndexOf('.') + 1).replace('$', '.');
  }

  private static byte[] write(ObjectMapper mapper, Object message) {
    try {
      return mapper.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      // Records of this module always serialize; reaching here is a defect, not bad input.
      throw new IllegalStateException("cannot encode " + message.getClass().getName(), e);
    }
  }

  private static <T> T read(ClassValue<ObjectReader> readers, String format, byte[] bytes, Class<T> type) {
    try {
      return readers.get(type).readValue(bytes);
    } catch (IOException | RuntimeException e) {
      throw explain(format, type, e);
    }
  }

  private static HooknetException explain(String format, Class<?> type, Exception failure) {
    String context = "invalid " + typeName(type);
    HooknetException rejected = find(failure, HooknetException.class);
    if (rejected != null) {
      return within(failure, rejected).withContext(context);
    }
    return new HooknetException(Errno.EINVAL, context + ": " + problem(format, type, failure), failure);
  }

  /** A field check failed in a nested record: name the field by its whole path ({@code since.seq}). */
  private static HooknetException within(Exception failure, HooknetException rejected) {
    String path = failure instanceof JsonMappingException ? path((JsonMappingException) failure) : "";
    String field = "field '";
    if (path.isEmpty() || !rejected.detail().startsWith(field)) {
      return rejected;
    }
    return new HooknetException(Errno.of(rejected.errno()).orElse(Errno.EINVAL),
        field + path + "." + rejected.detail().substring(field.length()), rejected);
  }

  private static String problem(String format, Class<?> type, Exception failure) {
    if (failure instanceof InvalidTypeIdException) {
      String op = ((InvalidTypeIdException) failure).getTypeId();
      return op == null ? "field 'op' is missing (known: " + String.join(", ", typeIds(type)) + ")"
          : "field 'op' has an unknown value '" + op + "' (known: " + String.join(", ", typeIds(type)) + ")";
    }
    if (failure instanceof UnrecognizedPropertyException) {
      UnrecognizedPropertyException e = (UnrecognizedPropertyException) failure;
      return "field '" + path(e) + "' is unknown (known: " + e.getKnownPropertyIds() + ")";
    }
    if (failure instanceof InvalidFormatException && ((InvalidFormatException) failure).getTargetType().isEnum()) {
      InvalidFormatException e = (InvalidFormatException) failure;
      return "field '" + path(e) + "' has an unknown value '" + e.getValue() + "' (expected one of "
          + enumNames(e.getTargetType()) + ")";
    }
    if (failure instanceof InvalidNullException) {
      return "field '" + path((InvalidNullException) failure) + "' must not be null";
    }
    if (failure instanceof MismatchedInputException) {
      return mismatch(format, (MismatchedInputException) failure);
    }
    if (failure instanceof ValueInstantiationException) {
      return failure.getCause() == null ? "cannot be built" : String.valueOf(failure.getCause().getMessage());
    }
    if (failure instanceof StreamReadException) {
      return "not valid " + format + " (" + firstLine(((StreamReadException) failure).getOriginalMessage()) + ")";
    }
    return "cannot be read as " + format + " (" + firstLine(failure.getMessage()) + ")";
  }

  /** The {@code op} values of a polymorphic message type, in declaration order. */
  public static java.util.List<String> typeIds(Class<?> type) {
    com.fasterxml.jackson.annotation.JsonSubTypes subTypes =
        type.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class);
    if (subTypes == null) {
      return java.util.List.of();
    }
    return Arrays.stream(subTypes.value()).map(com.fasterxml.jackson.annotation.JsonSubTypes.Type::name)
        .collect(Collectors.toList());
  }

  /** The {@code op} value of {@code subtype} in its polymorphic message type {@code type}. */
  public static String typeId(Class<?> type, Class<?> subtype) {
    com.fasterxml.jackson.annotation.JsonSubTypes subTypes =
        type.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class);
    return Arrays.stream(subTypes.value()).filter(candidate -> candidate.value() == subtype)
        .map(com.fasterxml.jackson.annotation.JsonSubTypes.Type::name).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(subtype + " is not a " + type));
  }

  private static String mismatch(String format, MismatchedInputException e) {
    String field = path(e);
    String original = String.valueOf(e.getOriginalMessage());
    if (field.isEmpty()) {
      if (original.startsWith("No content")) {
        return "empty " + format + " input";
      }
      // CBOR records are arrays whose fields have no names (see RecordsAsArrays): say what did not fit.
      return format.equals("JSON") ? "expected a JSON object" : "not the CBOR of this message type in this hooknet "
          + "version (" + firstLine(original) + ")";
    }
    if (original.startsWith("Missing required creator property")) {
      return "field '" + field + "' is missing";
    }
    String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
    return "field '" + field + "' has the wrong type (expected " + expected + ")";
  }

  private static String describe(Class<?> target) {
    if (target == int.class || target == Integer.class || target == long.class || target == Long.class) {
      return "an integer";
    }
    if (target == boolean.class || target == Boolean.class) {
      return "true or false";
    }
    if (target == String.class || target.isEnum()) {
      return "a string";
    }
    if (java.util.Collection.class.isAssignableFrom(target)) {
      return "an array";
    }
    return "an object";
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  private static String enumNames(Class<?> enumType) {
    return Arrays.stream(enumType.getEnumConstants())
        .map(constant -> new String(toJsonBytes(constant), java.nio.charset.StandardCharsets.UTF_8).replace("\"", ""))
        .collect(Collectors.joining(", "));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static <E extends Throwable> E find(Throwable failure, Class<E> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
