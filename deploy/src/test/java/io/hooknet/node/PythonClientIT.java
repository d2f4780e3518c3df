package io.hooknet.node;

import org.junit.jupiter.api.Test;

/** Runs the Python client's unittest suite against the TCP bridges of two child nodes of one cluster. */
class PythonClientIT {

  @Test
  void thePythonClientSuitePasses() throws Exception {
    try (CommandNodes nodes = new CommandNodes(PythonClientIT.class, 2)) {
      ClientSuite.run("clients/python", java.util.Map.of("HOOKNET_BRIDGES", nodes.tcpBridges(),
          "HOOKNET_TOKEN", CommandNodes.TOKEN, "HOOKNET_NODES", nodes.name(0) + "," + nodes.name(1)), "python3", "-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v");
    }
  }
}
