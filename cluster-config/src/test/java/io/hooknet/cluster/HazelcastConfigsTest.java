package io.hooknet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import io.hooknet.cluster.impl.HazelcastConfigs;
import io.hooknet.codec.HooknetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HazelcastConfigsTest {

  @Test
  void loopbackDefault() {
    Config config = HazelcastConfigs.create(new ClusterOptions().setNodeName("n1").setClusterName("c1"));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(config.getClusterName()).isEqualTo("c1");
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5701);
    assertThat(config.getNetworkConfig().getPortCount()).isEqualTo(10);
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    assertThat(config.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("1");
    assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("5");
    assertThat(config.getProperty("hazelcast.partition.migration.timeout")).isEqualTo("20");
    assertThat(config.getMemberAttributeConfig().getAttribute("hooknet.node")).isEqualTo("n1");
    assertThat(config.getMultiMapConfig("__vertx.subs").getBackupCount()).isEqualTo(2);
    assertThat(config.getMapConfig("hooknet.nodes").getBackupCount()).isEqualTo(2);
    assertThat(config.getMapConfig("hooknet.sessions").getBackupCount()).isEqualTo(2);
    assertThat(config.getMapConfig("hooknet.sessions").getMergePolicyConfig().getPolicy())
        .isEqualTo("io.hooknet.cluster.impl.SessionMergePolicy");
    // The registry's families are kept as objects, with two backups like every hooknet.* map; the others as bytes.
    assertThat(config.getMapConfig("hooknet.hooks").getInMemoryFormat()).isEqualTo(InMemoryFormat.OBJECT);
    assertThat(config.getMapConfig("hooknet.hooks").getBackupCount()).isEqualTo(2);
    assertThat(config.getMapConfig("hooknet.sessions").getInMemoryFormat()).isEqualTo(InMemoryFormat.BINARY);
    // The other maps keep Hazelcast's merge policy.
    for (String map : new String[] {"hooknet.hooks", "hooknet.sessions.claims", "hooknet.nodes"}) {
      assertThat(config.getMapConfig(map).getMergePolicyConfig().getPolicy()).as(map)
          .isEqualTo("com.hazelcast.spi.merge.PutIfAbsentMergePolicy");
    }
  }

  @Test
  void tcpMemberList() {
    Config config = HazelcastConfigs.create(new ClusterOptions().setNodeName("n1").setJoin(JoinMode.TCP)
        .setHost("198.18.0.1").setPort(6000).setPortCount(1).setMembers(List.of("198.18.0.2:6000", "198.18.0.3")));
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
        .containsExactly("198.18.0.2:6000", "198.18.0.3");
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isFalse();
  }

  @Test
  void multicast() {
    JoinConfig join = HazelcastConfigs.create(new ClusterOptions().setNodeName("n1").setJoin(JoinMode.MULTICAST))
        .getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isTrue();
    assertThat(join.getMulticastConfig().getMulticastGroup()).isEqualTo("224.2.2.3");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
  }

  @Test
  void kubernetes() {
    JoinConfig join = HazelcastConfigs.create(new ClusterOptions().setNodeName("n1").setJoin(JoinMode.KUBERNETES)
        .setKubernetesService("hooknet")).getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-name")).isEqualTo("hooknet");
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
  }

  @Test
  void userFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("hz.yaml");
    Files.writeString(file, "hazelcast:\n  cluster-name: ignored\n  map:\n    my-map:\n      backup-count: 2\n");
    Config config = HazelcastConfigs.create(new ClusterOptions().setNodeName("n1").setClusterName("mine")
        .setHazelcastConfig(file.toString()));
    assertThat(config.getClusterName()).isEqualTo("mine");
    assertThat(config.getMapConfig("my-map").getBackupCount()).isEqualTo(2);
    assertThat(config.getMapConfig("hooknet.hooks").getInMemoryFormat()).isEqualTo(InMemoryFormat.OBJECT);

    Path broken = dir.resolve("broken.xml");
    Files.writeString(broken, "<hazelcast><network><port>x</port></network>");
    HooknetException e = catchThrowableOfType(HooknetException.class, () -> HazelcastConfigs.create(
        new ClusterOptions().setNodeName("n1").setHazelcastConfig(broken.toString())));
    assertThat(e.getMessage()).startsWith("EINVAL: cluster setting 'hazelcastConfig': '" + broken
        + "' is not a valid Hazelcast configuration: ");
    e = catchThrowableOfType(HooknetException.class, () -> HazelcastConfigs.create(
        new ClusterOptions().setNodeName("n1").setHazelcastConfig(dir.resolve("none.xml").toString())));
    assertThat(e.getMessage()).isEqualTo("EINVAL: cluster setting 'hazelcastConfig': '" + dir.resolve("none.xml")
        + "' is not a readable file");
  }
}
