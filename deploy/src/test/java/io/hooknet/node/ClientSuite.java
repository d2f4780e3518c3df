package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a client suite's own test command in its folder and fails with its output when it fails. */
final class ClientSuite {

  private ClientSuite() {
  }

  /** Runs {@code command} in {@code folder} and returns its output once it passed. */
  static String run(String folder, Map<String, String> environment, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(NodeProcess.projectRoot().resolve(folder).toFile()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    CompletableFuture<String> reading = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(output lost: " + e + ")";
      }
    });
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    String output = reading.join();
    System.out.println(output);
    assertThat(finished).as(String.join(" ", command) + " finished within 5 minutes:\n" + output).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + " in " + folder + ":\n" + output).isZero();
    return output;
  }
}
