package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CI installs what the machine lacks, then runs exactly the README's test command, the second of its two commands,
 * shown in its log as it starts.
 */
class TwoCommandsTest {

  /** The commands of the README's "The two commands" section, one per code block, in order. */
  private static List<String> readmeCommands() throws Exception {
    List<String> lines = Files.readAllLines(NodeProcess.projectRoot().resolve("README.md"));
    int section = lines.indexOf("## The two commands");
    assertThat(section).as("README.md has the section '## The two commands'").isNotNegative();
    List<String> commands = new ArrayList<>();
    boolean inBlock = false;
    for (String line : lines.subList(section + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      if (line.startsWith("```")) {
        inBlock = !inBlock;
      } else if (inBlock) {
        commands.add(line);
      }
    }
    return commands;
  }

  @Test
  void ciInstallsWhatIsMissingThenRunsTheReadmesTestCommandAsItStands() throws Exception {
    List<String> commands = readmeCommands();
    assertThat(commands).containsExactly("bin/hooknet node", "bin/hooknet-test");
    // CI runs the README's test command as the README gives it, which installs what is missing, then verifies.
    assertThat(commandsOf(".ci/run")).containsExactly("set -euo pipefail", "cd \"$(dirname \"$0\")/..\"", "set -x",
        commands.get(1));
    assertThat(commandsOf("bin/hooknet-test")).containsSubsequence("bin/hooknet-deps", "exec ./mvnw -B verify \"$@\"");
  }

  /** The lines of a script that are not comments or blank. */
  private static List<String> commandsOf(String script) throws Exception {
    return Files.readAllLines(NodeProcess.projectRoot().resolve(script)).stream().map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
  }
}
