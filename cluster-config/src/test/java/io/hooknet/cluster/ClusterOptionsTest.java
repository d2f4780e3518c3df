package io.hooknet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hooknet.codec.HooknetException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ClusterOptionsTest {

  @Test
  void defaultsAreTheEmbeddedSetup() {
    ClusterOptions options = new ClusterOptions().setNodeName("n1").validate();
    assertThat(options.getClusterName()).isEqualTo("hooknet");
    assertThat(options.getJoin()).isEqualTo(JoinMode.LOOPBACK);
    assertThat(options.getHost()).isEqualTo("127.0.0.1");
    assertThat(options.getPort()).isEqualTo(5701);
    assertThat(options.getPortCount()).isEqualTo(10);
    assertThat(options.getMembers()).containsExactly("127.0.0.1");
    assertThat(options.getHeartbeatIntervalSeconds()).isEqualTo(1);
    assertThat(options.getMaxNoHeartbeatSeconds()).isEqualTo(5);
    assertThat(options.getMigrationTimeoutSeconds()).isEqualTo(20);
  }

  @Test
  void jsonAndCopyRoundTrip() {
    ClusterOptions options = new ClusterOptions().setNodeName("edge-1").setClusterName("prod").setJoin(JoinMode.TCP)
        .setHost("198.18.0.1").setPort(6000).setPortCount(3).setMembers(List.of("198.18.0.2:6000", "[::1]:6001"))
        .setKubernetesService("hooknet").setHeartbeatIntervalSeconds(2).setMaxNoHeartbeatSeconds(9)
        .setMergeFirstRunDelaySeconds(7).setMergeNextRunDelaySeconds(8).setMigrationTimeoutSeconds(30);
    assertThat(new ClusterOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
    assertThat(new ClusterOptions(options).toJson()).isEqualTo(options.toJson());
    assertThat(options.toJson().getString("join")).isEqualTo("tcp");
  }

  @Test
  void badMemberAddress() {
    assertInvalid(o -> o.setJoin(JoinMode.TCP).setHost("198.18.0.1").setMembers(List.of("198.18.0.300:5701")),
        "EINVAL: cluster setting 'members': '198.18.0.300:5701' is not an IP address or host name");
    assertInvalid(o -> o.setJoin(JoinMode.TCP).setHost("198.18.0.1").setMembers(List.of("bad_host!")),
        "EINVAL: cluster setting 'members': 'bad_host!' is not an IP address or host name");
    assertInvalid(o -> o.setMembers(List.of("127.0.0.1:70000")),
        "EINVAL: cluster setting 'members': '127.0.0.1:70000' has a port outside 1-65535");
    assertInvalid(o -> o.setMembers(List.of("127.0.0.1:x")),
        "EINVAL: cluster setting 'members': '127.0.0.1:x' has a port outside 1-65535");
    assertInvalid(o -> o.setMembers(List.of("[::1")),
        "EINVAL: cluster setting 'members': '[::1' has no closing ']'");
    assertInvalid(o -> o.setMembers(List.of(" ")), "EINVAL: cluster setting 'members': an entry is empty");
    assertInvalid(o -> o.setJoin(JoinMode.TCP).setMembers(List.of()),
        "EINVAL: cluster setting 'members': must name at least one member for join 'tcp'");
  }

  @Test
  void portsOutOfRange() {
    assertInvalid(o -> o.setPort(0), "EINVAL: cluster setting 'port': 0 is outside 1-65535");
    assertInvalid(o -> o.setPort(65536), "EINVAL: cluster setting 'port': 65536 is outside 1-65535");
    assertInvalid(o -> o.setPort(65530).setPortCount(10),
        "EINVAL: cluster setting 'portCount': 10 ports from 65530 do not fit in 1-65535");
    assertInvalid(o -> o.setPortCount(0), "EINVAL: cluster setting 'portCount': 0 ports from 5701 do not fit in 1-65535");
  }

  @Test
  void hostAndJoin() {
    assertInvalid(o -> o.setHost("example.org"), "EINVAL: cluster setting 'host': 'example.org' is not an IP address");
    assertInvalid(o -> o.setHost("198.18.0.1"),
        "EINVAL: cluster setting 'host': '198.18.0.1' is not a loopback address (use join 'tcp' for a network address)");
    assertInvalid(o -> o.setMembers(List.of("198.18.0.2")),
        "EINVAL: cluster setting 'members': '198.18.0.2' is not a loopback address (use join 'tcp' for network members)");
    assertThat(catchThrowableOfType(HooknetException.class, () -> ClusterOptions.parseJoin("gossip")).getMessage())
        .isEqualTo("EINVAL: cluster setting 'join': 'gossip' is not one of loopback, tcp, multicast, kubernetes");
    assertThat(ClusterOptions.parseJoin("Multicast")).isEqualTo(JoinMode.MULTICAST);
  }

  @Test
  void namesAndTimings() {
    assertInvalid(o -> o.setNodeName(null), "EINVAL: cluster setting 'nodeName': 'null' must be 1-63 letters, "
        + "digits, '.', '_' or '-', starting with a letter or digit");
    assertInvalid(o -> o.setNodeName("-x"), "EINVAL: cluster setting 'nodeName': '-x' must be 1-63 letters, "
        + "digits, '.', '_' or '-', starting with a letter or digit");
    assertInvalid(o -> o.setClusterName("a b"), "EINVAL: cluster setting 'clusterName': 'a b' must be 1-63 "
        + "letters, digits, '.', '_' or '-', starting with a letter or digit");
    assertInvalid(o -> o.setHeartbeatIntervalSeconds(0),
        "EINVAL: cluster setting 'heartbeatIntervalSeconds': 0 is not between 1 and 3600 seconds");
    assertInvalid(o -> o.setHeartbeatIntervalSeconds(5).setMaxNoHeartbeatSeconds(5),
        "EINVAL: cluster setting 'maxNoHeartbeatSeconds': 5 must be more than heartbeatIntervalSeconds (5)");
    assertInvalid(o -> o.setMergeNextRunDelaySeconds(4000),
        "EINVAL: cluster setting 'mergeNextRunDelaySeconds': 4000 is not between 1 and 3600 seconds");
    assertInvalid(o -> o.setMigrationTimeoutSeconds(0),
        "EINVAL: cluster setting 'migrationTimeoutSeconds': 0 is not between 1 and 3600 seconds");
  }

  private static void assertInvalid(Consumer<ClusterOptions> change, String message) {
    ClusterOptions options = new ClusterOptions().setNodeName("n1");
    change.accept(options);
    HooknetException e = catchThrowableOfType(HooknetException.class, options::validate);
    assertThat(e).as(message).isNotNull();
    assertThat(e.errno()).isEqualTo(22);
    assertThat(e.getMessage()).isEqualTo(message);
  }
}
