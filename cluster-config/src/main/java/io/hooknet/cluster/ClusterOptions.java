package io.hooknet.cluster;

import io.hooknet.cluster.impl.Addresses;
import io.hooknet.codec.HooknetException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a node joins its cluster. The defaults give the embedded setup: a node on 127.0.0.1 that finds the
 * others on this host by TCP-IP join, without multicast.
 */
public class ClusterOptions {

  public static final String DEFAULT_CLUSTER_NAME = "hooknet";
  public static final JoinMode DEFAULT_JOIN = JoinMode.LOOPBACK;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  public static final int DEFAULT_PORT_COUNT = 10;
  public static final List<String> DEFAULT_MEMBERS = List.of("127.0.0.1");
  public static final int DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 1;
  public static final int DEFAULT_MAX_NO_HEARTBEAT_SECONDS = 5;
  public static final int DEFAULT_MERGE_FIRST_RUN_DELAY_SECONDS = 5;
  public static final int DEFAULT_MERGE_NEXT_RUN_DELAY_SECONDS = 5;
  public static final int DEFAULT_MIGRATION_TIMEOUT_SECONDS = 20;
  public static final int DEFAULT_JOIN_RETRY_SECONDS = 60;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private String nodeName;
  private String clusterName = DEFAULT_CLUSTER_NAME;
  private JoinMode join = DEFAULT_JOIN;
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private int portCount = DEFAULT_PORT_COUNT;
  private List<String> members = new ArrayList<>(DEFAULT_MEMBERS);
  private String kubernetesService;
  private String hazelcastConfig;
  private int heartbeatIntervalSeconds = DEFAULT_HEARTBEAT_INTERVAL_SECONDS;
  private int maxNoHeartbeatSeconds = DEFAULT_MAX_NO_HEARTBEAT_SECONDS;
  private int mergeFirstRunDelaySeconds = DEFAULT_MERGE_FIRST_RUN_DELAY_SECONDS;
  private int mergeNextRunDelaySeconds = DEFAULT_MERGE_NEXT_RUN_DELAY_SECONDS;
  private int migrationTimeoutSeconds = DEFAULT_MIGRATION_TIMEOUT_SECONDS;
  private int joinRetrySeconds = DEFAULT_JOIN_RETRY_SECONDS;

  public ClusterOptions() {
  }

  public ClusterOptions(ClusterOptions other) {
    this.nodeName = other.nodeName;
    this.clusterName = other.clusterName;
    this.join = other.join;
    this.host = other.host;
    this.port = other.port;
    this.portCount = other.portCount;
    this.members = new ArrayList<>(other.members);
    this.kubernetesService = other.kubernetesService;
    this.hazelcastConfig = other.hazelcastConfig;
    this.heartbeatIntervalSeconds = other.heartbeatIntervalSeconds;
    this.maxNoHeartbeatSeconds = other.maxNoHeartbeatSeconds;
    this.mergeFirstRunDelaySeconds = other.mergeFirstRunDelaySeconds;
    this.mergeNextRunDelaySeconds = other.mergeNextRunDelaySeconds;
    this.migrationTimeoutSeconds = other.migrationTimeoutSeconds;
    this.joinRetrySeconds = other.joinRetrySeconds;
  }

  /** Options from JSON with the same keys as {@link #toJson()}; absent keys keep their defaults. */
  public ClusterOptions(JsonObject json) {
    this();
    nodeName = json.getString("nodeName", nodeName);
    clusterName = json.getString("clusterName", clusterName);
    String joinName = json.getString("join");
    if (joinName != null) {
      join = parseJoin(joinName);
    }
    host = json.getString("host", host);
    port = json.getInteger("port", port);
    portCount = json.getInteger("portCount", portCount);
    JsonArray memberList = json.getJsonArray("members");
    if (memberList != null) {
      members = new ArrayList<>();
      memberList.forEach(member -> members.add(String.valueOf(member)));
    }
    kubernetesService = json.getString("kubernetesService", kubernetesService);
    hazelcastConfig = json.getString("hazelcastConfig", hazelcastConfig);
    heartbeatIntervalSeconds = json.getInteger("heartbeatIntervalSeconds", heartbeatIntervalSeconds);
    maxNoHeartbeatSeconds = json.getInteger("maxNoHeartbeatSeconds", maxNoHeartbeatSeconds);
    mergeFirstRunDelaySeconds = json.getInteger("mergeFirstRunDelaySeconds", mergeFirstRunDelaySeconds);
    mergeNextRunDelaySeconds = json.getInteger("mergeNextRunDelaySeconds", mergeNextRunDelaySeconds);
    migrationTimeoutSeconds = json.getInteger("migrationTimeoutSeconds", migrationTimeoutSeconds);
    joinRetrySeconds = json.getInteger("joinRetrySeconds", joinRetrySeconds);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeName", nodeName)
        .put("clusterName", clusterName)
        .put("join", join.name().toLowerCase(java.util.Locale.ROOT))
        .put("host", host)
        .put("port", port)
        .put("portCount", portCount)
        .put("members", new JsonArray(new ArrayList<>(members)))
        .put("kubernetesService", kubernetesService)
        .put("hazelcastConfig", hazelcastConfig)
        .put("heartbeatIntervalSeconds", heartbeatIntervalSeconds)
        .put("maxNoHeartbeatSeconds", maxNoHeartbeatSeconds)
        .put("mergeFirstRunDelaySeconds", mergeFirstRunDelaySeconds)
        .put("mergeNextRunDelaySeconds", mergeNextRunDelaySeconds)
        .put("migrationTimeoutSeconds", migrationTimeoutSeconds)
        .put("joinRetrySeconds", joinRetrySeconds);
  }

  /** A join mode by name, case-insensitive: {@code loopback}, {@code tcp}, {@code multicast}, {@code kubernetes}. */
  public static JoinMode parseJoin(String name) {
    for (JoinMode mode : JoinMode.values()) {
      if (mode.name().equalsIgnoreCase(name)) {
        return mode;
      }
    }
    throw invalid("join", "'" + name + "' is not one of loopback, tcp, multicast, kubernetes");
  }

  /**
   * Checks every setting and says which one is wrong.
   *
   * @throws HooknetException {@code EINVAL} naming the setting
   */
  public ClusterOptions validate() {
    if (nodeName == null || !NAME.matcher(nodeName).matches()) {
      throw invalid("nodeName", "'" + nodeName + "' must be 1-63 letters, digits, '.', '_' or '-', starting "
          + "with a letter or digit");
    }
    if (clusterName == null || !NAME.matcher(clusterName).matches()) {
      throw invalid("clusterName", "'" + clusterName + "' must be 1-63 letters, digits, '.', '_' or '-', "
          + "starting with a letter or digit");
    }
    Objects.requireNonNull(join, "join");
    Addresses.requireIpLiteral("host", host);
    Addresses.requirePort("port", port);
    if (portCount < 1 || port + portCount - 1 > 65535) {
      throw invalid("portCount", portCount + " ports from " + port + " do not fit in 1-65535");
    }
    for (String member : members) {
      Addresses.requireMember(member);
    }
    if (join == JoinMode.LOOPBACK) {
      Addresses.requireLoopback("host", host, "use join 'tcp' for a network address");
      for (String member : members) {
        Addresses.requireLoopback("members", Addresses.hostOf(member), "use join 'tcp' for network members");
      }
    }
    if (join == JoinMode.TCP && members.isEmpty()) {
      throw invalid("members", "must name at least one member for join 'tcp'");
    }
    requireSeconds("heartbeatIntervalSeconds", heartbeatIntervalSeconds);
    requireSeconds("maxNoHeartbeatSeconds", maxNoHeartbeatSeconds);
    if (maxNoHeartbeatSeconds <= heartbeatIntervalSeconds) {
      throw invalid("maxNoHeartbeatSeconds", maxNoHeartbeatSeconds + " must be more than heartbeatIntervalSeconds ("
          + heartbeatIntervalSeconds + ")");
    }
    requireSeconds("mergeFirstRunDelaySeconds", mergeFirstRunDelaySeconds);
    requireSeconds("mergeNextRunDelaySeconds", mergeNextRunDelaySeconds);
    requireSeconds("migrationTimeoutSeconds", migrationTimeoutSeconds);
    if (joinRetrySeconds < 0 || joinRetrySeconds > 3600) {
      throw invalid("joinRetrySeconds", joinRetrySeconds + " is not between 0 and 3600 seconds");
    }
    return this;
  }

  private static void requireSeconds(String setting, int seconds) {
    if (seconds < 1 || seconds > 3600) {
      throw invalid(setting, seconds + " is not between 1 and 3600 seconds");
    }
  }

  private static HooknetException invalid(String setting, String problem) {
    return Addresses.invalid(setting, problem);
  }

  public String getNodeName() {
    return nodeName;
  }

  /**
   * The node's name, unique in the cluster: 1-63 letters, digits, '.', '_' or '-'. It appears in every event
   * as {@code node}. Required.
   */
  public ClusterOptions setNodeName(String nodeName) {
    this.nodeName = nodeName;
    return this;
  }

  public String getClusterName() {
    return clusterName;
  }

  /** The Hazelcast cluster name; nodes with other names never join this cluster. Default {@value #DEFAULT_CLUSTER_NAME}. */
  public ClusterOptions setClusterName(String clusterName) {
    this.clusterName = clusterName;
    return this;
  }

  public JoinMode getJoin() {
    return join;
  }

  /** How members find each other. Default {@link JoinMode#LOOPBACK}. */
  public ClusterOptions setJoin(JoinMode join) {
    this.join = join;
    return this;
  }

  public String getHost() {
    return host;
  }

  /** The IP address the node binds and is reached at, for Hazelcast and the event bus. Default {@value #DEFAULT_HOST}. */
  public ClusterOptions setHost(String host) {
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  /** The first Hazelcast port to try, 1-65535. Default {@value #DEFAULT_PORT}. */
  public ClusterOptions setPort(int port) {
    this.port = port;
    return this;
  }

  public int getPortCount() {
    return portCount;
  }

  /**
   * How many ports from {@link #getPort()} on are tried, for binding and for members given without a port;
   * 1 pins the port. Default {@value #DEFAULT_PORT_COUNT}.
   */
  public ClusterOptions setPortCount(int portCount) {
    this.portCount = portCount;
    return this;
  }

  public List<String> getMembers() {
    return members;
  }

  /**
   * The members to contact on TCP-IP join, each {@code ip}, {@code ip:port} or {@code [ipv6]:port}; a member
   * without a port is tried on the port range. Default {@code 127.0.0.1}.
   */
  public ClusterOptions setMembers(List<String> members) {
    this.members = new ArrayList<>(members);
    return this;
  }

  public String getKubernetesService() {
    return kubernetesService;
  }

  /** With {@link JoinMode#KUBERNETES}: the service whose pods are the members; null for every pod of the namespace. */
  public ClusterOptions setKubernetesService(String kubernetesService) {
    this.kubernetesService = kubernetesService;
    return this;
  }

  public String getHazelcastConfig() {
    return hazelcastConfig;
  }

  /**
   * A Hazelcast XML or YAML file to start from instead of the join mode's own; the settings above are still
   * applied over it. Default none.
   */
  public ClusterOptions setHazelcastConfig(String hazelcastConfig) {
    this.hazelcastConfig = hazelcastConfig;
    return this;
  }

  public int getHeartbeatIntervalSeconds() {
    return heartbeatIntervalSeconds;
  }

  /** How often members send heartbeats, 1-3600 s. Default {@value #DEFAULT_HEARTBEAT_INTERVAL_SECONDS}. */
  public ClusterOptions setHeartbeatIntervalSeconds(int heartbeatIntervalSeconds) {
    this.heartbeatIntervalSeconds = heartbeatIntervalSeconds;
    return this;
  }

  public int getMaxNoHeartbeatSeconds() {
    return maxNoHeartbeatSeconds;
  }

  /**
   * How long a silent member stays in the cluster before it is removed, more than the heartbeat interval.
   * Default {@value #DEFAULT_MAX_NO_HEARTBEAT_SECONDS}.
   */
  public ClusterOptions setMaxNoHeartbeatSeconds(int maxNoHeartbeatSeconds) {
    this.maxNoHeartbeatSeconds = maxNoHeartbeatSeconds;
    return this;
  }

  public int getMergeFirstRunDelaySeconds() {
    return mergeFirstRunDelaySeconds;
  }

  /** When the first split-brain merge check runs after start, 1-3600 s. Default {@value #DEFAULT_MERGE_FIRST_RUN_DELAY_SECONDS}. */
  public ClusterOptions setMergeFirstRunDelaySeconds(int mergeFirstRunDelaySeconds) {
    this.mergeFirstRunDelaySeconds = mergeFirstRunDelaySeconds;
    return this;
  }

  public int getMergeNextRunDelaySeconds() {
    return mergeNextRunDelaySeconds;
  }

  /** How often the split-brain merge check runs after the first, 1-3600 s. Default {@value #DEFAULT_MERGE_NEXT_RUN_DELAY_SECONDS}. */
  public ClusterOptions setMergeNextRunDelaySeconds(int mergeNextRunDelaySeconds) {
    this.mergeNextRunDelaySeconds = mergeNextRunDelaySeconds;
    return this;
  }

  public int getMigrationTimeoutSeconds() {
    return migrationTimeoutSeconds;
  }

  /**
   * How long a partition migration may take, 1-3600 s. Writes to a migrating partition wait for it, so a migration
   * lost in a network fault holds them up this long plus Hazelcast's operation heartbeat timeout (60 s); the
   * registry's entries are small enough to migrate in well under a second. Default
   * {@value #DEFAULT_MIGRATION_TIMEOUT_SECONDS} (Hazelcast's own is 300).
   */
  public ClusterOptions setMigrationTimeoutSeconds(int migrationTimeoutSeconds) {
    this.migrationTimeoutSeconds = migrationTimeoutSeconds;
    return this;
  }

  public int getJoinRetrySeconds() {
    return joinRetrySeconds;
  }

  /**
   * How long a node keeps asking a cluster that refuses new members for its state, 0-3600 s (0: it fails at
   * once). Hazelcast freezes the side of a split that merges into the other until its members have moved over,
   * and a node started meanwhile is refused; an operator may also freeze a cluster for a while. A join refused
   * for another reason fails at once, with the cluster's reason. Default {@value #DEFAULT_JOIN_RETRY_SECONDS}.
   */
  public ClusterOptions setJoinRetrySeconds(int joinRetrySeconds) {
    this.joinRetrySeconds = joinRetrySeconds;
    return this;
  }
}
