package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a client suite's own test command in its folder and fails with its output when it fails. */
final class ClientSuite {

  private ClientSuite() {
  }

  static void run(String folder, Map<String, String> environment, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(NodeProcess.projectRoot().resolve(folder).toFile()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).as(String.join(" ", command) + " finished").isTrue();
    System.out.println(output);
    assertThat(process.exitValue()).as(String.join(" ", command) + " in " + folder + ":\n" + output).isZero();
  }
}
