package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.JoinMode;
import io.hooknet.cluster.impl.HazelcastConfigs;
import io.hooknet.node.impl.NodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code deploy/kubernetes/hooknet.yaml} holds together: the StatefulSet's arguments are a valid node command line
 * that joins through the headless Service with Hazelcast's Kubernetes discovery, the RBAC grants what that
 * discovery reads, the probes hit {@code /health} and {@code /ready} on the HTTP port, the Services select the pods
 * and reach their named ports, the image is the one Jib builds, and a new image replaces the pods only when they are
 * deleted.
 */
class KubernetesManifestsTest {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Z_]+)\\)");
  private static final Map<String, JsonNode> BY_KIND_AND_NAME = new HashMap<>();
  private static JsonNode pod;
  private static JsonNode container;

  @BeforeAll
  static void load() throws Exception {
    Path file = NodeProcess.projectRoot().resolve("deploy/kubernetes/hooknet.yaml");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (var documents = yaml.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        BY_KIND_AND_NAME.put(document.get("kind").asText() + "/" + document.at("/metadata/name").asText(), document);
      }
    }
    pod = get("StatefulSet/hooknet").at("/spec/template");
    container = pod.at("/spec/containers/0");
  }

  @Test
  void theArgumentsJoinThroughTheHeadlessServiceWithKubernetesDiscovery() {
    NodeCommand command = new NodeCommand();
    List<String> args = arguments();
    assertThat(args.get(0)).isEqualTo("node");
    new CommandLine(command).parseArgs(args.subList(1, args.size()).toArray(String[]::new));
    ClusterOptions cluster = NodeSettings.resolve(command, null);
    HooknetBridgeOptions bridges = NodeSettings.resolveBridge(command, null);
    assertThat(cluster.getJoin()).isEqualTo(JoinMode.KUBERNETES);
    assertThat(cluster.getNodeName()).isEqualTo("hooknet-0");
    assertThat(cluster.getHost()).isEqualTo("198.18.0.10");
    assertThat(cluster.getPort()).isEqualTo(port("hazelcast"));
    assertThat(bridges.getHost()).isEqualTo("0.0.0.0");
    assertThat(bridges.getTcpPort()).isEqualTo(port("tcp-bridge"));
    assertThat(bridges.getHttpPort()).isEqualTo(port("http"));
    assertThat(bridges.isEnableCommands()).isTrue();
    assertThat(bridges.getToken()).isEqualTo("value-of-HOOKNET_TOKEN");

    String headless = get("StatefulSet/hooknet").at("/spec/serviceName").asText();
    JsonNode service = get("Service/" + headless);
    assertThat(service.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(service.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
    assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(cluster.getPort());
    assertThat(HazelcastConfigs.create(cluster).getNetworkConfig().getJoin().getKubernetesConfig()
        .getProperty("service-name")).isEqualTo(headless);
  }

  @Test
  void theRbacGrantsWhatTheDiscoveryReadsToThePodsAccount() {
    String account = pod.at("/spec/serviceAccountName").asText();
    assertThat(get("ServiceAccount/" + account)).isNotNull();
    JsonNode binding = get("RoleBinding/hooknet-discovery");
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(account);
    JsonNode role = get("Role/" + binding.at("/roleRef/name").asText());
    JsonNode core = role.at("/rules/0");
    assertThat(texts(core.get("resources"))).contains("endpoints", "pods", "services");
    assertThat(texts(core.get("verbs"))).containsExactly("get", "list");
  }

  @Test
  void probesServicesAndImageFitThePods() throws Exception {
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
    assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("http");
    assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
    JsonNode labels = pod.at("/metadata/labels");
    assertThat(get("StatefulSet/hooknet").at("/spec/selector/matchLabels")).isEqualTo(labels);
    for (String name : List.of("hooknet-hazelcast", "hooknet-bridges")) {
      JsonNode service = get("Service/" + name);
      assertThat(service.at("/spec/selector")).as(name).isEqualTo(labels);
      for (JsonNode servicePort : service.at("/spec/ports")) {
        int target = port(servicePort.get("targetPort").asText());
        assertThat(servicePort.get("port").asInt()).as(name).isEqualTo(target);
      }
    }
    String pom = Files.readString(NodeProcess.projectRoot().resolve("deploy/pom.xml"));
    Matcher image = Pattern.compile("<to>\\s*<image>hooknet:\\$\\{project.version}</image>").matcher(pom);
    assertThat(image.find()).isTrue();
    assertThat(container.get("image").asText()).isEqualTo("hooknet:0.1.0-SNAPSHOT");
  }

  @Test
  void aNewImageNeverMakesAClusterOfTwoVersions() {
    // The default, RollingUpdate, would replace the pods one by one, each joining nodes of the old version.
    assertThat(get("StatefulSet/hooknet").at("/spec/updateStrategy/type").asText()).isEqualTo("OnDelete");
  }

  /** The container's arguments with each {@code $(VAR)} replaced, checking that the container defines it. */
  private static List<String> arguments() {
    Map<String, String> values = Map.of("POD_NAME", "hooknet-0", "POD_IP", "198.18.0.10");
    List<String> defined = new ArrayList<>();
    container.get("env").forEach(variable -> defined.add(variable.get("name").asText()));
    List<String> args = new ArrayList<>();
    for (JsonNode arg : container.get("args")) {
      Matcher variable = VARIABLE.matcher(arg.asText());
      StringBuilder replaced = new StringBuilder();
      while (variable.find()) {
        assertThat(defined).as("the container's env").contains(variable.group(1));
        variable.appendReplacement(replaced, values.getOrDefault(variable.group(1), "value-of-" + variable.group(1)));
      }
      variable.appendTail(replaced);
      args.add(replaced.toString());
    }
    return args;
  }

  private static int port(String name) {
    for (JsonNode port : container.get("ports")) {
      if (port.get("name").asText().equals(name)) {
        return port.get("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + name);
  }

  private static JsonNode get(String kindAndName) {
    JsonNode document = BY_KIND_AND_NAME.get(kindAndName);
    assertThat(document).as(kindAndName + " in the manifests").isNotNull();
    return document;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }
}
