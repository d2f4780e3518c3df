package io.hooknet.node;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the JavaScript client's tests ({@code node --test}) against the SockJS bridges of two child nodes of one
 * cluster, installing its npm packages first when they are missing.
 */
class JsClientIT {

  @Test
  void theJsClientSuitePasses() throws Exception {
    if (!Files.isDirectory(NodeProcess.projectRoot().resolve("clients/js/node_modules"))) {
      ClientSuite.run("clients/js", Map.of(), "npm", "ci", "--no-audit", "--no-fund");
    }
    try (CommandNodes nodes = new CommandNodes(JsClientIT.class, 2)) {
      ClientSuite.run("clients/js", Map.of("HOOKNET_SOCKJS", nodes.sockJsBridges(),
          "HOOKNET_TOKEN", CommandNodes.TOKEN), "npm", "test");
    }
  }
}
