package io.hooknet.node;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the JavaScript client's tests ({@code node --test}) against the SockJS bridges of child nodes of one
 * cluster: two that every test uses, and a third that the resume test kills with SIGKILL. Installs the npm
 * packages first when they are missing.
 */
class JsClientIT {

  @Test
  void theJsClientSuitePasses() throws Exception {
    if (!Files.isDirectory(NodeProcess.projectRoot().resolve("clients/js/node_modules"))) {
      ClientSuite.run("clients/js", Map.of(), "npm", "ci", "--no-audit", "--no-fund");
    }
    try (CommandNodes nodes = new CommandNodes(JsClientIT.class, 3)) {
      nodes.runSuite("clients/js", Map.of("HOOKNET_SOCKJS", nodes.sockJsBridges(2),
          "HOOKNET_TOKEN", CommandNodes.TOKEN, "HOOKNET_GRACE", Integer.toString(CommandNodes.GRACE_SECONDS),
          "HOOKNET_VICTIM", nodes.sockJsVictim(2)), "npm", "test");
    }
  }
}
