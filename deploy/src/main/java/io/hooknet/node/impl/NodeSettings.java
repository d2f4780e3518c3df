package io.hooknet.node.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hooknet.bridge.HooknetBridgeOptions;
import io.hooknet.cluster.ClusterOptions;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.hooks.HookRegistryOptions;
import io.hooknet.node.NodeCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The node's settings from three places, first found wins: the command line, the config file, the defaults
 * of {@link ClusterOptions}, {@link HooknetBridgeOptions} and {@link HookRegistryOptions}. Each setting has one key, used in the file and
 * derived for the option.
 */
public final class NodeSettings {

  private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

  static {
    cluster("nodeName", String.class, c -> c.nodeName, (o, v) -> o.setNodeName((String) v));
    cluster("clusterName", String.class, c -> c.clusterName, (o, v) -> o.setClusterName((String) v));
    cluster("join", String.class, c -> c.join, (o, v) -> o.setJoin(ClusterOptions.parseJoin((String) v)));
    cluster("host", String.class, c -> c.host, (o, v) -> o.setHost((String) v));
    cluster("members", List.class, c -> c.members, (o, v) -> o.setMembers(strings(v)));
    cluster("clusterPort", Integer.class, c -> c.clusterPort, (o, v) -> o.setPort((Integer) v));
    cluster("portCount", Integer.class, c -> c.portCount, (o, v) -> o.setPortCount((Integer) v));
    cluster("hazelcastConfig", String.class, c -> c.hazelcastConfig, (o, v) -> o.setHazelcastConfig((String) v));
    cluster("kubernetesService", String.class, c -> c.kubernetesService, (o, v) -> o.setKubernetesService((String) v));
    cluster("heartbeatSeconds", Integer.class, c -> c.heartbeatSeconds,
        (o, v) -> o.setHeartbeatIntervalSeconds((Integer) v));
    cluster("maxNoHeartbeatSeconds", Integer.class, c -> c.maxNoHeartbeatSeconds,
        (o, v) -> o.setMaxNoHeartbeatSeconds((Integer) v));
    cluster("joinRetrySeconds", Integer.class, c -> c.joinRetrySeconds, (o, v) -> o.setJoinRetrySeconds((Integer) v));
    bridge("bridgeHost", String.class, c -> c.bridgeHost, (o, v) -> o.setHost((String) v));
    bridge("bridgePort", Integer.class, c -> c.bridgePort, (o, v) -> o.setTcpPort((Integer) v));
    bridge("httpPort", Integer.class, c -> c.httpPort, (o, v) -> o.setHttpPort((Integer) v));
    bridge("enableCommands", Boolean.class, c -> c.enableCommands, (o, v) -> o.setEnableCommands((Boolean) v));
    bridge("token", String.class, c -> c.token, (o, v) -> o.setToken((String) v));
    bridge("tlsCert", String.class, c -> c.tlsCert, (o, v) -> o.setTlsCert((String) v));
    bridge("tlsKey", String.class, c -> c.tlsKey, (o, v) -> o.setTlsKey((String) v));
    bridge("eventBusTls", Boolean.class, c -> c.eventBusTls, (o, v) -> o.setEventBusTls((Boolean) v));
    registry("sessionGraceSeconds", Integer.class, c -> c.sessionGraceSeconds,
        (o, v) -> o.setSessionGraceSeconds((Integer) v));
    registry("historySize", Integer.class, c -> c.historySize, (o, v) -> o.setHistorySize((Integer) v));
    registry("hookTimeoutMillis", Integer.class, c -> c.hookTimeoutMillis,
        (o, v) -> o.setHookTimeoutMillis((Integer) v));
  }

  private NodeSettings() {
  }

  /** The cluster settings. */
  public static ClusterOptions resolve(NodeCommand commandLine, Path configFile) {
    ClusterOptions options = fill(new ClusterOptions(), commandLine, configFile);
    if (options.getNodeName() == null) {
      options.setNodeName(defaultNodeName(options));
    }
    return options.validate();
  }

  /** The bridge settings. */
  public static HooknetBridgeOptions resolveBridge(NodeCommand commandLine, Path configFile) {
    return fill(new HooknetBridgeOptions(), commandLine, configFile).validate();
  }

  /** The hook registry settings. */
  public static HookRegistryOptions resolveRegistry(NodeCommand commandLine, Path configFile) {
    return fill(new HookRegistryOptions(), commandLine, configFile).validate();
  }

  private static <T> T fill(T options, NodeCommand commandLine, Path configFile) {
    Map<String, Object> file = configFile == null ? Map.of() : load(configFile);
    SETTINGS.forEach((key, setting) -> {
      if (setting.target != options.getClass()) {
        return;
      }
      Object value = setting.fromCommandLine.apply(commandLine);
      if (value == null) {
        value = file.get(key);
      }
      if (value != null) {
        setting.apply.accept(options, value);
      }
    });
    return options;
  }

  /** The settings of a YAML config file, checked against the known keys and their types. */
  public static Map<String, Object> load(Path file) {
    Object parsed;
    try {
      parsed = new ObjectMapper(new YAMLFactory()).readValue(Files.readAllBytes(file), Object.class);
    } catch (java.nio.file.NoSuchFileException e) {
      throw invalid(file, "no such file");
    } catch (IOException e) {
      throw invalid(file, "not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (parsed == null) {
      return Map.of();
    }
    if (!(parsed instanceof Map)) {
      throw invalid(file, "must be a map of settings");
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    ((Map<?, ?>) parsed).forEach((key, value) -> settings.put(String.valueOf(key), checked(file, key, value)));
    return settings;
  }

  private static Object checked(Path file, Object key, Object value) {
    Setting setting = SETTINGS.get(String.valueOf(key));
    if (setting == null) {
      throw invalid(file, "unknown key '" + key + "' (known: " + String.join(", ", SETTINGS.keySet()) + ")");
    }
    if (setting.type == List.class && value instanceof String) {
      return List.of(((String) value).split(","));
    }
    if (value != null && !setting.type.isInstance(value)) {
      throw invalid(file, "key '" + key + "' must be " + describe(setting.type) + ", not '" + value + "'");
    }
    return value;
  }

  private static String describe(Class<?> type) {
    return type == Integer.class ? "an integer" : type == List.class ? "a list"
        : type == Boolean.class ? "true or false" : "a string";
  }

  private static List<String> strings(Object value) {
    List<String> strings = new ArrayList<>();
    ((List<?>) value).forEach(item -> strings.add(String.valueOf(item).trim()));
    return strings;
  }

  /** Host name and the first port of the range that is free now: the port Hazelcast will bind. */
  private static String defaultNodeName(ClusterOptions options) {
    String hostName;
    try {
      hostName = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      hostName = "hooknet";
    }
    hostName = hostName.replaceAll("[^A-Za-z0-9._-]", "-");
    int port = options.getPort();
    for (int candidate = port; candidate < port + options.getPortCount() && candidate <= 65535; candidate++) {
      if (isFree(options.getHost(), candidate)) {
        port = candidate;
        break;
      }
    }
    String name = hostName + "-" + port;
    return name.length() > 63 ? name.substring(name.length() - 63) : name;
  }

  private static boolean isFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(host))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static HooknetException invalid(Path file, String problem) {
    return new HooknetException(Errno.EINVAL, "config file '" + file + "': " + problem);
  }

  private static void cluster(String key, Class<?> type, Function<NodeCommand, Object> fromCommandLine,
      BiConsumer<ClusterOptions, Object> apply) {
    SETTINGS.put(key, new Setting(type, fromCommandLine, ClusterOptions.class,
        (options, value) -> apply.accept((ClusterOptions) options, value)));
  }

  private static void bridge(String key, Class<?> type, Function<NodeCommand, Object> fromCommandLine,
      BiConsumer<HooknetBridgeOptions, Object> apply) {
    SETTINGS.put(key, new Setting(type, fromCommandLine, HooknetBridgeOptions.class,
        (options, value) -> apply.accept((HooknetBridgeOptions) options, value)));
  }

  private static void registry(String key, Class<?> type, Function<NodeCommand, Object> fromCommandLine,
      BiConsumer<HookRegistryOptions, Object> apply) {
    SETTINGS.put(key, new Setting(type, fromCommandLine, HookRegistryOptions.class,
        (options, value) -> apply.accept((HookRegistryOptions) options, value)));
  }

  /** One setting: its type in the file, its command-line option, and the options object it goes to. */
  private static final class Setting {
    final Class<?> type;
    final Function<NodeCommand, Object> fromCommandLine;
    final Class<?> target;
    final BiConsumer<Object, Object> apply;

    Setting(Class<?> type, Function<NodeCommand, Object> fromCommandLine, Class<?> target,
        BiConsumer<Object, Object> apply) {
      this.type = type;
      this.fromCommandLine = fromCommandLine;
      this.target = target;
      this.apply = apply;
    }
  }
}
