package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hooknet.testing.LocalCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image, built by Maven with Jib to a tar as a user would ({@code mvn -pl deploy -am package
 * jib:buildTar}), in a copy of the project so that this build's own output is left alone. No container registry
 * is reachable from the machines this runs on, so the base image is {@code scratch} here instead of the pom's
 * {@code eclipse-temurin:17-jre}; everything hooknet puts in the image is checked: the entrypoint, the default
 * arguments, the ports, the user, and that the application layers start a node when that entrypoint runs them.
 */
class ContainerImageIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void theImageRunsANodeWithTheDeclaredEntrypointAndPorts() throws Exception {
    Path project = dir.resolve("project");
    copyProject(NodeProcess.projectRoot(), project);
    Path tar = dir.resolve("image.tar");
    String mvnw = project.resolve("mvnw").toString();
    ClientSuite.run(project.toString(), java.util.Map.of(), mvnw, "-B", "-q", "-pl", "deploy", "-am",
        "-DskipTests", "package", "jib:buildTar", "-Djib.from.image=scratch", "-Djib.outputPaths.tar=" + tar);

    Path image = Files.createDirectories(dir.resolve("image"));
    untar(Files.newInputStream(tar), image, false);
    JsonNode manifest = JSON.readTree(image.resolve("manifest.json").toFile()).get(0);
    assertThat(manifest.get("RepoTags").get(0).asText()).isEqualTo("hooknet:0.1.0-SNAPSHOT");
    JsonNode config = JSON.readTree(image.resolve(manifest.get("Config").asText()).toFile()).get("config");
    List<String> entrypoint = strings(config.get("Entrypoint"));
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint.subList(entrypoint.size() - 3, entrypoint.size()))
        .containsExactly("-cp", "@/app/jib-classpath-file", "io.hooknet.node.Main");
    assertThat(entrypoint).contains("--add-opens=java.base/java.lang=ALL-UNNAMED", "-XX:MaxRAMPercentage=75");
    assertThat(strings(config.get("Cmd"))).containsExactly("node");
    List<String> ports = new ArrayList<>();
    config.get("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    assertThat(ports).containsExactlyInAnyOrder("5701/tcp", "7000/tcp", "8080/tcp");
    assertThat(config.get("User").asText()).isEqualTo("65532");

    // The layers, unpacked, and the entrypoint run on them with this JDK in place of the base image's.
    Path root = Files.createDirectories(dir.resolve("rootfs"));
    for (JsonNode layer : manifest.get("Layers")) {
      untar(new GZIPInputStream(Files.newInputStream(image.resolve(layer.asText()))), root, true);
    }
    String classpath = Files.readString(root.resolve("app/jib-classpath-file"), StandardCharsets.UTF_8).strip()
        .replace("/app/", root.resolve("app") + "/");
    List<String> command = new ArrayList<>(entrypoint);
    command.set(0, ProcessHandle.current().info().command().orElse("java"));
    command.set(command.size() - 2, classpath);
    int port = LocalCluster.freePorts(1).get(0);
    String clusterName = LocalCluster.uniqueClusterName(ContainerImageIT.class);
    command.addAll(NodeProcess.nodeArgs("img-1", clusterName, port, "127.0.0.1:" + port,
        NodeProcess.freeBridgePorts()));
    try (NodeProcess node = NodeProcess.start("img-1", command)) {
      node.awaitStdout("bridges:", Duration.ofSeconds(60));
      assertThat(node.stdout().get(0)).isEqualTo("hooknet node 'img-1' joined cluster '" + clusterName + "'");
      node.signal("INT");
      assertThat(node.awaitExit(Duration.ofSeconds(30))).isEqualTo(130);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> strings = new ArrayList<>();
    array.forEach(item -> strings.add(item.asText()));
    return strings;
  }

  /** The project's sources, without build outputs, installed packages or the repository. */
  private static void copyProject(Path from, Path to) throws IOException {
    Set<String> skipped = Set.of("target", "node_modules", ".git", "__pycache__");
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path relative = from.relativize(path);
        boolean skip = false;
        for (Path part : relative) {
          skip |= skipped.contains(part.toString());
        }
        if (skip) {
          continue;
        }
        Path target = to.resolve(relative.toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** Unpacks a tar stream (the image, or one of its layers) with the system's tar. */
  private static void untar(InputStream in, Path to, boolean layer) throws IOException, InterruptedException {
    Process tar = new ProcessBuilder("tar", "-x", "-C", to.toString()).redirectErrorStream(true).start();
    try (InputStream source = in; var sink = tar.getOutputStream()) {
      source.transferTo(sink);
    }
    String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor()).as((layer ? "a layer: " : "the image: ") + output).isZero();
  }
}
