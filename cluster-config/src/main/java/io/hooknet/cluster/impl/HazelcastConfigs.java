package io.hooknet.cluster.impl;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NetworkConfig;
import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.cluster.JoinMode;
import java.io.File;

/** Turns {@link ClusterOptions} into a Hazelcast {@link Config}: the join mode's file, then the options over it. */
public final class HazelcastConfigs {

  static final String SESSIONS_MAP = "hooknet.sessions";
  static final String REGISTRY_MAP = "hooknet.hooks";

  private HazelcastConfigs() {
  }

  public static Config create(ClusterOptions options) {
    Config config = load(options);
    config.setClusterName(options.getClusterName());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.tcp.join.port.try.count", Integer.toString(options.getPortCount()));
    config.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(options.getHeartbeatIntervalSeconds()));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(options.getMaxNoHeartbeatSeconds()));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(options.getMergeFirstRunDelaySeconds()));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(options.getMergeNextRunDelaySeconds()));
    config.setProperty("hazelcast.partition.migration.timeout", Integer.toString(options.getMigrationTimeoutSeconds()));
    // An ended session stays ended across a merge. The sessions map gets a config of its own, copied from the one
    // it matches: getMapConfig returns the matching wildcard config itself, and its policy would apply to every
    // hooknet.* map.
    MapConfig sessions = new MapConfig(config.getMapConfig(SESSIONS_MAP)).setName(SESSIONS_MAP);
    sessions.setMergePolicyConfig(new MergePolicyConfig(sessions.getMergePolicyConfig())
        .setPolicy(SessionMergePolicy.class.getName()));
    config.addMapConfig(sessions);
    // The registry's families are changed in place by entry processors: kept as objects, a change neither decodes
    // nor encodes its family, so it costs the same whatever the family holds.
    config.addMapConfig(new MapConfig(config.getMapConfig(REGISTRY_MAP)).setName(REGISTRY_MAP)
        .setInMemoryFormat(InMemoryFormat.OBJECT));
    config.getMemberAttributeConfig().setAttribute(HooknetCluster.NODE_NAME_ATTRIBUTE, options.getNodeName());
    network(config.getNetworkConfig(), options);
    return config;
  }

  private static Config load(ClusterOptions options) {
    String file = options.getHazelcastConfig();
    if (file == null) {
      return new ClasspathXmlConfig(HazelcastConfigs.class.getClassLoader(),
          "io/hooknet/cluster/" + options.getJoin().configFile());
    }
    if (!new File(file).isFile()) {
      throw Addresses.invalid("hazelcastConfig", "'" + file + "' is not a readable file");
    }
    try {
      return Config.loadFromFile(new File(file));
    } catch (Exception e) {
      throw Addresses.invalid("hazelcastConfig", "'" + file + "' is not a valid Hazelcast configuration: "
          + e.getMessage());
    }
  }

  private static void network(NetworkConfig network, ClusterOptions options) {
    network.setPort(options.getPort());
    network.setPortCount(options.getPortCount());
    network.setPortAutoIncrement(options.getPortCount() > 1);
    network.getInterfaces().clear();
    network.getInterfaces().setEnabled(true).addInterface(options.getHost());
    JoinConfig join = network.getJoin();
    if (options.getJoin() == JoinMode.LOOPBACK || options.getJoin() == JoinMode.TCP) {
      join.getTcpIpConfig().setEnabled(true).setMembers(options.getMembers());
    }
    if (options.getJoin() == JoinMode.KUBERNETES && options.getKubernetesService() != null) {
      join.getKubernetesConfig().setProperty("service-name", options.getKubernetesService());
    }
  }
}
