package io.hooknet.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.hooknet.codec.impl.Mapping;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON Schemas polyglot clients use accept what Java sends and reject what Java rejects. */
class SchemaTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  static java.util.List<HooknetMessage> samples() {
    return Samples.all();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everySampleValidates(HooknetMessage message) throws IOException {
    JsonNode json = MAPPER.readTree(Json.encode(message));
    assertThat(schemaFor(message.getClass()).validate(json)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void schemaRequiresWhatJavaRequires(HooknetMessage message) throws Exception {
    Class<?> type = message.getClass();
    java.util.List<String> javaRequired = new java.util.ArrayList<>();
    if (HookCommand.class.isAssignableFrom(type) || PoolCommand.class.isAssignableFrom(type)) {
      javaRequired.add("op");
    }
    for (java.lang.reflect.RecordComponent component : type.getRecordComponents()) {
      com.fasterxml.jackson.annotation.JsonProperty property = type.getDeclaredField(component.getName())
          .getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
      if (property != null && property.required()) {
        javaRequired.add(component.getName());
      }
    }
    JsonNode schema = objectSchemaOf(type);
    java.util.List<String> schemaRequired = new java.util.ArrayList<>();
    schema.get("required").forEach(n -> schemaRequired.add(n.asText()));
    java.util.List<String> properties = new java.util.ArrayList<>();
    schema.get("properties").fieldNames().forEachRemaining(properties::add);
    assertThat(schemaRequired).containsExactlyInAnyOrderElementsOf(javaRequired);
    assertThat(properties).containsExactlyInAnyOrderElementsOf(Json.toJson(message).fieldNames());
  }

  private static JsonNode objectSchemaOf(Class<?> type) throws IOException {
    String name = Mapping.typeName(type);
    if (name.startsWith("Replies.")) {
      return load("Replies").get("$defs").get(name.substring("Replies.".length()));
    }
    if (name.startsWith("HookCommand.") || name.startsWith("PoolCommand.")) {
      String op = Json.toJson((HooknetMessage) Samples.all().stream().filter(type::isInstance).findFirst().orElseThrow())
          .getString("op");
      for (JsonNode alternative : load(name.substring(0, name.indexOf('.'))).get("oneOf")) {
        if (alternative.get("properties").get("op").get("const").asText().equals(op)) {
          return alternative;
        }
      }
      throw new AssertionError("no schema for op " + op);
    }
    return load(name);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "txRx 2 | SockEvent | {'node':'n','pool':'p','datafd':1,'channel':0,'txRx':2,'error':0,'errno':0,'dropped':0,'seq':1,'ts':1}",
      "no node | SockEvent | {'pool':'p','datafd':1,'channel':0,'txRx':0,'error':0,'errno':0,'dropped':0,'seq':1,'ts':1}",
      "extra field | SockEvent | {'node':'n','pool':'p','datafd':1,'channel':0,'txRx':0,'error':0,'errno':0,'dropped':0,'seq':1,'ts':1,'x':1}",
      "unknown op | HookCommand | {'op':'hook.frob','family':'inet'}",
      "bad hint | HookCommand | {'op':'hook.register','family':'f','event':'e','hook':'h','hint':'UP','address':'a'}",
      "bad cause | HookEvent | {'cmd':'HN_REGISTER','family':'f','event':'e','node':'n','position':0,'seq':1,'replay':false,'cause':'X'}",
      "bad endpoint | PoolCommand | {'op':'add','endpoint':'sctp'}",
  })
  void schemaRejectsWhatJavaRejects(String what, String type, String json) throws Exception {
    JsonNode node = MAPPER.readTree(json.replace('\'', '"'));
    Set<ValidationMessage> errors = schemaFor(Class.forName("io.hooknet.codec." + type)).validate(node);
    assertThat(errors).isNotEmpty();
  }

  private static JsonSchema schemaFor(Class<?> type) throws IOException {
    String name = Mapping.typeName(type);
    if (name.startsWith("Replies.")) {
      ObjectNode replies = (ObjectNode) load("Replies");
      ObjectNode one = MAPPER.createObjectNode();
      one.set("$schema", replies.get("$schema"));
      one.set("$defs", replies.get("$defs"));
      one.put("$ref", "#/$defs/" + name.substring("Replies.".length()));
      return FACTORY.getSchema(one);
    }
    String file = name.startsWith("HookCommand.") ? "HookCommand"
        : name.startsWith("PoolCommand.") ? "PoolCommand" : name;
    return FACTORY.getSchema(load(file));
  }

  private static JsonNode load(String file) throws IOException {
    try (InputStream in = SchemaTest.class.getResourceAsStream("/schema/" + file + ".schema.json")) {
      assertThat(in).as("schema " + file).isNotNull();
      return MAPPER.readTree(in);
    }
  }
}
