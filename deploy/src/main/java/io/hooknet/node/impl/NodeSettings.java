package io.hooknet.node.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hooknet.cluster.ClusterOptions;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
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
 * of {@link ClusterOptions}. Each setting has one key, used in the file and derived for the option.
 */
public final class NodeSettings {

  private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

  static {
    add("nodeName", String.class, c -> c.nodeName, (o, v) -> o.setNodeName((String) v));
    add("clusterName", String.class, c -> c.clusterName, (o, v) -> o.setClusterName((String) v));
    add("join", String.class, c -> c.join, (o, v) -> o.setJoin(ClusterOptions.parseJoin((String) v)));
    add("host", String.class, c -> c.host, (o, v) -> o.setHost((String) v));
    add("members", List.class, c -> c.members, (o, v) -> o.setMembers(strings(v)));
    add("clusterPort", Integer.class, c -> c.clusterPort, (o, v) -> o.setPort((Integer) v));
    add("portCount", Integer.class, c -> c.portCount, (o, v) -> o.setPortCount((Integer) v));
    add("hazelcastConfig", String.class, c -> c.hazelcastConfig, (o, v) -> o.setHazelcastConfig((String) v));
    add("kubernetesService", String.class, c -> c.kubernetesService, (o, v) -> o.setKubernetesService((String) v));
    add("heartbeatSeconds", Integer.class, c -> c.heartbeatSeconds,
        (o, v) -> o.setHeartbeatIntervalSeconds((Integer) v));
    add("maxNoHeartbeatSeconds", Integer.class, c -> c.maxNoHeartbeatSeconds,
        (o, v) -> o.setMaxNoHeartbeatSeconds((Integer) v));
  }

  private NodeSettings() {
  }

  public static ClusterOptions resolve(NodeCommand commandLine, Path configFile) {
    Map<String, Object> file = configFile == null ? Map.of() : load(configFile);
    ClusterOptions options = new ClusterOptions();
    SETTINGS.forEach((key, setting) -> {
      Object value = setting.fromCommandLine.apply(commandLine);
      if (value == null) {
        value = file.get(key);
      }
      if (value != null) {
        setting.apply.accept(options, value);
      }
    });
    if (options.getNodeName() == null) {
      options.setNodeName(defaultNodeName(options));
    }
    return options.validate();
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
    return type == Integer.class ? "an integer" : type == List.class ? "a list" : "a string";
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

  private static void add(String key, Class<?> type, Function<NodeCommand, Object> fromCommandLine,
      BiConsumer<ClusterOptions, Object> apply) {
    SETTINGS.put(key, new Setting(type, fromCommandLine, apply));
  }

  private static final class Setting {
    final Class<?> type;
    final Function<NodeCommand, Object> fromCommandLine;
    final BiConsumer<ClusterOptions, Object> apply;

    Setting(Class<?> type, Function<NodeCommand, Object> fromCommandLine, BiConsumer<ClusterOptions, Object> apply) {
      this.type = type;
      this.fromCommandLine = fromCommandLine;
      this.apply = apply;
    }
  }
}
