package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: Debian's Chromium, driven by playwright-core, opens node c1's dashboard, sees
 * both members healthy, a hook registered and a socket fault made on node c2 appear, the charts count exactly the
 * faults and changes made and show the lag of a callback c1 delivers to, and a page opened later shows the kept
 * events at once (see {@code clients/js/browser/dashboard.mjs}); the screenshot is saved to
 * {@code deploy/target/dashboard.png}.
 */
class DashboardIT {

  @Test
  void theDashboardShowsWhatHappensOnAnotherNode() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    assertThat(chromium).as("Debian's chromium (installed by .ci/run)").exists();
    if (!Files.isDirectory(NodeProcess.projectRoot().resolve("clients/js/node_modules"))) {
      ClientSuite.run("clients/js", Map.of(), "npm", "ci", "--no-audit", "--no-fund");
    }
    Path screenshot = NodeProcess.projectRoot().resolve("deploy/target/dashboard.png");
    Files.deleteIfExists(screenshot);
    try (CommandNodes nodes = new CommandNodes(DashboardIT.class, 2)) {
      nodes.runSuite("clients/js", Map.of("HOOKNET_DASHBOARD", nodes.http(0), "HOOKNET_OTHER_SOCKJS",
          nodes.sockJs(1), "HOOKNET_OTHER_NODE", nodes.name(1), "HOOKNET_TOKEN", CommandNodes.TOKEN,
          "HOOKNET_SCREENSHOT", screenshot.toString(), "CHROMIUM", chromium.toString()),
          "node", "browser/dashboard.mjs");
    }
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }
}
