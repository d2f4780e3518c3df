package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installs the Python client with pip into a new virtual environment, as a user would
 * ({@code pip install ./clients/python}, no package index), and runs its unittest suite from a copy of the tests
 * outside the source tree, so that it tests the installed package: against the TCP bridges of child nodes of one
 * cluster, two that every test uses and a third that the resume test kills with SIGKILL.
 */
class PythonClientIT {

  @TempDir
  Path dir;

  @Test
  void thePythonClientSuitePassesAgainstTheInstalledPackage() throws Exception {
    Path venv = dir.resolve("venv");
    Path python = venv.resolve("bin/python");
    ClientSuite.run(dir.toString(), Map.of(), "python3", "-m", "venv", venv.toString());
    ClientSuite.run(dir.toString(), Map.of(), python.toString(), "-m", "pip", "install", "--no-index",
        "--disable-pip-version-check", NodeProcess.projectRoot().resolve("clients/python").toString());
    Path tests = Files.createDirectories(dir.resolve("suite/tests"));
    try (Stream<Path> sources = Files.list(NodeProcess.projectRoot().resolve("clients/python/tests"))) {
      for (Path source : (Iterable<Path>) sources.filter(path -> path.toString().endsWith(".py"))::iterator) {
        Files.copy(source, tests.resolve(source.getFileName()));
      }
    }
    try (CommandNodes nodes = new CommandNodes(PythonClientIT.class, 3)) {
      String output = nodes.runSuite(dir.resolve("suite").toString(), Map.of(
          "HOOKNET_BRIDGES", nodes.tcpBridges(2), "HOOKNET_TOKEN", CommandNodes.TOKEN,
          "HOOKNET_NODES", nodes.name(0) + "," + nodes.name(1),
          "HOOKNET_GRACE", Integer.toString(CommandNodes.GRACE_SECONDS), "HOOKNET_VICTIM", nodes.tcpVictim(2),
          "HOOKNET_INSTALLED", venv.toString()),
          python.toString(), "-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v");
      assertThat(output).contains("test_the_suite_runs_against_the_installed_package").doesNotContain(
          "test_the_suite_runs_against_the_installed_package (tests.test_package.InstalledPackageTest"
              + ".test_the_suite_runs_against_the_installed_package) ... skipped");
    }
  }
}
