package io.hooknet.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A hooknet node in a child JVM, started from the fat jar (or any command), with its output kept line by line
 * and POSIX signals to send it: INT for Ctrl-C, KILL, STOP and CONT for fault injection.
 */
public final class NodeProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final List<Thread> pumps = new ArrayList<>();

  private NodeProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    pump(process.getInputStream(), stdout);
    pump(process.getErrorStream(), stderr);
  }

  /** {@code java -jar hooknet.jar <args>} with the same JVM that runs the tests. */
  public static NodeProcess jar(String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(jarPath().toString());
    command.addAll(List.of(args));
    return start(name, command);
  }

  /** {@code --bridge-port} and {@code --http-port} with ports free now, so nodes on one host do not collide. */
  public static List<String> freeBridgePorts() {
    List<Integer> ports = io.hooknet.testing.LocalCluster.freePorts(2);
    return List.of("--bridge-port", ports.get(0).toString(), "--http-port", ports.get(1).toString());
  }

  /**
   * The arguments of {@code hooknet node} for node {@code name} of a test cluster: its pinned cluster port, the
   * members, and the given bridge ports (see {@link #freeBridgePorts}), followed by {@code extra}.
   */
  public static List<String> nodeArgs(String name, String clusterName, int port, String members,
      List<String> bridgePorts, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("node", "--node-name", name, "--cluster-name", clusterName,
        "--cluster-port", Integer.toString(port), "--port-count", "1", "--members", members));
    args.addAll(bridgePorts);
    args.addAll(List.of(extra));
    return args;
  }

  /** Starts node {@code name} of a test cluster with free bridge ports (see {@link #nodeArgs}). */
  public static NodeProcess member(String name, String clusterName, int port, String members, String... extra) {
    return jar(name, nodeArgs(name, clusterName, port, members, freeBridgePorts(), extra).toArray(String[]::new));
  }

  /**
   * Starts {@code command} with SIGINT restored to its default action: a suite started from a shell that ignores
   * SIGINT (a background job) would otherwise hand that on, and a Ctrl-C test would mean nothing.
   */
  public static NodeProcess start(String name, List<String> command) {
    List<String> restored = new ArrayList<>(List.of("env", "--default-signal=INT"));
    restored.addAll(command);
    try {
      return new NodeProcess(name, new ProcessBuilder(restored).start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command, e);
    }
  }

  public static Path jarPath() {
    return Path.of(System.getProperty("hooknet.jar", "target/hooknet.jar"));
  }

  public static Path projectRoot() {
    return Path.of(System.getProperty("hooknet.root", ".."));
  }

  /** Waits for a line of stdout (or stderr, with {@code fromStderr}) that matches, and returns it. */
  public String awaitLine(boolean fromStderr, Predicate<String> matches, Duration timeout) {
    List<String> lines = fromStderr ? stderr : stdout;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : lines) {
        if (matches.test(line)) {
          return line;
        }
      }
      if (!process.isAlive() && lines.stream().noneMatch(matches)) {
        sleep(100);
        if (lines.stream().noneMatch(matches)) {
          throw new AssertionError(name + " exited (" + process.exitValue() + ") without the line; " + output());
        }
      }
      sleep(20);
    }
    throw new AssertionError(name + ": no matching line within " + timeout + "; " + output());
  }

  public String awaitStdout(String contains, Duration timeout) {
    return awaitLine(false, line -> line.contains(contains), timeout);
  }

  public String awaitStderr(String contains, Duration timeout) {
    return awaitLine(true, line -> line.contains(contains), timeout);
  }

  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still running after " + timeout + "; " + output());
      }
      for (Thread pump : pumps) {
        pump.join(TimeUnit.SECONDS.toMillis(10));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends a signal by name (INT, TERM, KILL, STOP, CONT). */
  public void signal(String signal) {
    try {
      int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
      if (rc != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: " + rc);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public List<String> stdout() {
    return stdout;
  }

  public List<String> stderr() {
    return stderr;
  }

  public String output() {
    return "stdout of " + name + ":\n  " + String.join("\n  ", stdout) + "\nstderr of " + name + ":\n  "
        + String.join("\n  ", stderr);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pump(InputStream in, List<String> lines) {
    Thread pump = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process is gone
      }
    }, name + "-output");
    pump.setDaemon(true);
    pump.start();
    pumps.add(pump);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
