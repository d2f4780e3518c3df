package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.JoinMode;
import io.hooknet.codec.HooknetException;
import io.hooknet.hooks.HookRegistryOptions;
import io.hooknet.node.impl.NodeSettings;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NodeSettingsTest {

  @TempDir
  Path dir;

  private static NodeCommand parse(String... args) {
    NodeCommand command = new NodeCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void commandLineWinsOverFileOverDefaults() throws IOException {
    Path file = write("nodeName: from-file\nclusterName: filecluster\nclusterPort: 6100\n"
        + "members: [127.0.0.1:6100, 127.0.0.1:6101]\nheartbeatSeconds: 2\nmaxNoHeartbeatSeconds: 7\n");
    ClusterOptions options = NodeSettings.resolve(parse("--node-name", "from-cli", "--port-count", "1"), file);
    assertThat(options.getNodeName()).isEqualTo("from-cli");
    assertThat(options.getClusterName()).isEqualTo("filecluster");
    assertThat(options.getPort()).isEqualTo(6100);
    assertThat(options.getPortCount()).isEqualTo(1);
    assertThat(options.getMembers()).containsExactly("127.0.0.1:6100", "127.0.0.1:6101");
    assertThat(options.getHeartbeatIntervalSeconds()).isEqualTo(2);
    assertThat(options.getMaxNoHeartbeatSeconds()).isEqualTo(7);
    assertThat(options.getJoin()).isEqualTo(JoinMode.LOOPBACK);
    assertThat(options.getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void bridgeSettingsComeFromTheCommandLineAndTheFile() throws Exception {
    Path file = write("bridgePort: 7100\nenableCommands: true\ntoken: from-the-file\n");
    HooknetBridgeOptions options = NodeSettings.resolveBridge(parse("--http-port", "8100"), file);
    assertThat(options.getTcpPort()).isEqualTo(7100);
    assertThat(options.getHttpPort()).isEqualTo(8100);
    assertThat(options.isEnableCommands()).isTrue();
    assertThat(options.getToken()).isEqualTo("from-the-file");
    HooknetException noToken = catchThrowableOfType(HooknetException.class,
        () -> NodeSettings.resolveBridge(parse("--enable-commands"), null));
    assertThat(noToken).hasMessage("EINVAL: bridge setting 'token': commands need a token of at least 8 characters");
  }

  @Test
  void registrySettingsAndTheBridgeHostComeFromTheCommandLineAndTheFile() throws Exception {
    Path file = write("sessionGraceSeconds: 30\nhistorySize: 16\nbridgeHost: 0.0.0.0\n");
    HookRegistryOptions registry = NodeSettings.resolveRegistry(parse("--hook-timeout-millis", "750"), file);
    assertThat(registry.toJson()).isEqualTo(new JsonObject().put("sessionGraceSeconds", 30).put("historySize", 16)
        .put("hookTimeoutMillis", 750L).put("commandTimeoutMillis", HookRegistryOptions.DEFAULT_COMMAND_TIMEOUT_MILLIS));
    assertThat(NodeSettings.resolveRegistry(parse("--session-grace-seconds", "0"), file).getSessionGraceSeconds())
        .isZero();
    assertThat(NodeSettings.resolveBridge(parse(), file).getHost()).isEqualTo("0.0.0.0");
    assertThat(NodeSettings.resolveBridge(parse("--bridge-host", "198.18.0.7"), file).getHost())
        .isEqualTo("198.18.0.7");
    HooknetException negative = catchThrowableOfType(HooknetException.class,
        () -> NodeSettings.resolveRegistry(parse("--session-grace-seconds", "-1"), null));
    assertThat(negative).hasMessage("EINVAL: registry setting 'sessionGraceSeconds': -1 is outside 0-3600");
    assertThat(negative.errno()).isEqualTo(22);
  }

  @Test
  void tlsNeedsACertificateAndAKeyThatCanBeRead() throws Exception {
    Path cert = write("-----BEGIN CERTIFICATE-----\n");
    Path key = write("-----BEGIN PRIVATE KEY-----\n");
    Path file = write("tlsCert: " + cert + "\ntlsKey: " + key + "\n");
    HooknetBridgeOptions options = NodeSettings.resolveBridge(parse(), file);
    assertThat(options.isTls()).isTrue();
    assertThat(options.toJson().getString("tlsCert")).isEqualTo(cert.toString());
    assertThat(options.keyCertOptions().getKeyPath()).isEqualTo(key.toString());
    assertThat(NodeSettings.resolveBridge(parse(), null).isTls()).isFalse();
    HooknetException alone = catchThrowableOfType(HooknetException.class,
        () -> NodeSettings.resolveBridge(parse("--tls-cert", cert.toString()), null));
    assertThat(alone).hasMessage("EINVAL: bridge setting 'tlsKey': TLS needs both tlsCert and tlsKey");
    String absent = dir.resolve("absent.pem").toString();
    HooknetException missing = catchThrowableOfType(HooknetException.class,
        () -> NodeSettings.resolveBridge(parse("--tls-key", absent), file));
    assertThat(missing).hasMessage("EINVAL: bridge setting 'tlsKey': cannot read the PEM file '" + absent + "'");
    assertThat(missing.errno()).isEqualTo(22);
  }

  @Test
  void membersAsACommaList() {
    ClusterOptions options = NodeSettings.resolve(
        parse("--node-name", "n1", "--members", "127.0.0.1:5701,127.0.0.1:5702"), null);
    assertThat(options.getMembers()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
  }

  @Test
  void shippedExampleIsValid() {
    ClusterOptions options = NodeSettings.resolve(parse(), NodeProcess.projectRoot().resolve("deploy/config/node.yaml"));
    assertThat(options.getNodeName()).isEqualTo("edge-1");
  }

  @Test
  void defaultNodeNameIsHostAndPort() {
    ClusterOptions options = NodeSettings.resolve(parse("--cluster-port", "47001", "--port-count", "1"), null);
    assertThat(options.getNodeName()).endsWith("-47001");
  }

  @Test
  void badFiles() throws IOException {
    assertBad(write("nodename: x\n"), "unknown key 'nodename' (known: nodeName, clusterName, join, host, members, "
        + "clusterPort, portCount, hazelcastConfig, kubernetesService, heartbeatSeconds, maxNoHeartbeatSeconds, "
        + "joinRetrySeconds, bridgeHost, bridgePort, httpPort, enableCommands, token, tlsCert, tlsKey, eventBusTls, sessionGraceSeconds, "
        + "historySize, "
        + "hookTimeoutMillis)");
    assertBad(write("enableCommands: yes please\n"), "key 'enableCommands' must be true or false, not 'yes please'");
    assertBad(write("clusterPort: high\n"), "key 'clusterPort' must be an integer, not 'high'");
    assertBad(write("- a\n- b\n"), "must be a map of settings");
    assertBad(dir.resolve("absent.yaml"), "no such file");
    Path broken = write("nodeName: [x\n");
    HooknetException e = catchThrowableOfType(HooknetException.class, () -> NodeSettings.resolve(parse(), broken));
    assertThat(e.getMessage()).startsWith("EINVAL: config file '" + broken + "': not valid YAML: ");
    e = catchThrowableOfType(HooknetException.class, () -> NodeSettings.resolve(parse("--join", "carrier-pigeon"), null));
    assertThat(e.getMessage())
        .isEqualTo("EINVAL: cluster setting 'join': 'carrier-pigeon' is not one of loopback, tcp, multicast, kubernetes");
  }

  private void assertBad(Path file, String problem) {
    HooknetException e = catchThrowableOfType(HooknetException.class, () -> NodeSettings.resolve(parse(), file));
    assertThat(e.errno()).isEqualTo(22);
    assertThat(e.getMessage()).isEqualTo("EINVAL: config file '" + file + "': " + problem);
  }

  private Path write(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "node", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
