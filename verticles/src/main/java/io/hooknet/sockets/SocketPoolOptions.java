package io.hooknet.sockets;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.PoolCommand;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The settings of one socket pool (one knet handle). */
public class SocketPoolOptions {

  /** The pool a node always has. */
  public static final String DEFAULT_NAME = PoolCommand.DEFAULT_POOL;
  /** {@code KNET_DATAFD_MAX}: channels 0-31. */
  public static final int DEFAULT_MAX_CHANNELS = 32;
  /** Where pool-created Unix domain endpoints are made: {@code <java.io.tmpdir>/hooknet}. */
  public static final String DEFAULT_ENDPOINT_DIR = Path.of(System.getProperty("java.io.tmpdir"), "hooknet").toString();

  /** Packets of a channel that may be on a link to another node, unanswered, before their sockets stop being read. */
  public static final int DEFAULT_SEND_WINDOW = 256;
  /** How long a packet sent with {@code sendSync} may wait for its answer before it counts as lost. */
  public static final long DEFAULT_SEND_TIMEOUT_MILLIS = 30_000;
  /** How often a link to another node is checked with a heartbeat (and opened again when it is down). */
  public static final long DEFAULT_LINK_HEARTBEAT_MILLIS = 1_000;
  /** How long a link may go without an answer before it is down. */
  public static final long DEFAULT_LINK_TIMEOUT_MILLIS = 3_000;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private String name = DEFAULT_NAME;
  private int maxChannels = DEFAULT_MAX_CHANNELS;
  private String endpointDir = DEFAULT_ENDPOINT_DIR;
  private int sendWindow = DEFAULT_SEND_WINDOW;
  private long sendTimeoutMillis = DEFAULT_SEND_TIMEOUT_MILLIS;
  private long linkHeartbeatMillis = DEFAULT_LINK_HEARTBEAT_MILLIS;
  private long linkTimeoutMillis = DEFAULT_LINK_TIMEOUT_MILLIS;

  public SocketPoolOptions() {
  }

  public SocketPoolOptions(SocketPoolOptions other) {
    this.name = other.name;
    this.maxChannels = other.maxChannels;
    this.endpointDir = other.endpointDir;
    this.sendWindow = other.sendWindow;
    this.sendTimeoutMillis = other.sendTimeoutMillis;
    this.linkHeartbeatMillis = other.linkHeartbeatMillis;
    this.linkTimeoutMillis = other.linkTimeoutMillis;
  }

  /** Options from JSON with the keys of {@link #toJson()}; absent keys keep their defaults. */
  public SocketPoolOptions(JsonObject json) {
    name = json.getString("name", name);
    maxChannels = json.getInteger("maxChannels", maxChannels);
    endpointDir = json.getString("endpointDir", endpointDir);
    sendWindow = json.getInteger("sendWindow", sendWindow);
    sendTimeoutMillis = json.getLong("sendTimeoutMillis", sendTimeoutMillis);
    linkHeartbeatMillis = json.getLong("linkHeartbeatMillis", linkHeartbeatMillis);
    linkTimeoutMillis = json.getLong("linkTimeoutMillis", linkTimeoutMillis);
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("maxChannels", maxChannels).put("endpointDir", endpointDir)
        .put("sendWindow", sendWindow).put("sendTimeoutMillis", sendTimeoutMillis)
        .put("linkHeartbeatMillis", linkHeartbeatMillis).put("linkTimeoutMillis", linkTimeoutMillis);
  }

  public String getName() {
    return name;
  }

  /** The pool's name: 1-63 letters, digits, {@code .}, {@code _} or {@code -}, starting with a letter or digit. */
  public SocketPoolOptions setName(String name) {
    this.name = name;
    return this;
  }

  public int getMaxChannels() {
    return maxChannels;
  }

  /**
   * The number of channels, at least 1. Keep the default 32 for pools whose data is switched between nodes;
   * raise it for pools that only watch sockets.
   */
  public SocketPoolOptions setMaxChannels(int maxChannels) {
    this.maxChannels = maxChannels;
    return this;
  }

  public String getEndpointDir() {
    return endpointDir;
  }

  /** The directory for pool-created Unix domain endpoints; created when missing. */
  public SocketPoolOptions setEndpointDir(String endpointDir) {
    this.endpointDir = endpointDir;
    return this;
  }

  public int getSendWindow() {
    return sendWindow;
  }

  /**
   * How many packets of one channel may be on a link to another node, unanswered, before the sockets sending on
   * it stop being read (at least 2); reading starts again when half are answered. Bounds the memory a slow
   * receiver can hold.
   */
  public SocketPoolOptions setSendWindow(int sendWindow) {
    this.sendWindow = sendWindow;
    return this;
  }

  public long getSendTimeoutMillis() {
    return sendTimeoutMillis;
  }

  /**
   * How long a packet sent with {@code sendSync} waits for its answer before it counts as lost (at least 1).
   */
  public SocketPoolOptions setSendTimeoutMillis(long sendTimeoutMillis) {
    this.sendTimeoutMillis = sendTimeoutMillis;
    return this;
  }

  public long getLinkHeartbeatMillis() {
    return linkHeartbeatMillis;
  }

  /** How often each link to another node is checked with a heartbeat, or opened again when down (at least 1). */
  public SocketPoolOptions setLinkHeartbeatMillis(long linkHeartbeatMillis) {
    this.linkHeartbeatMillis = linkHeartbeatMillis;
    return this;
  }

  public long getLinkTimeoutMillis() {
    return linkTimeoutMillis;
  }

  /**
   * How long a link may go without any answer before it is taken for down; more than the heartbeat interval.
   */
  public SocketPoolOptions setLinkTimeoutMillis(long linkTimeoutMillis) {
    this.linkTimeoutMillis = linkTimeoutMillis;
    return this;
  }

  /** Checks the settings; a wrong one is an {@code EINVAL} that names it. */
  public SocketPoolOptions validate() {
    if (name == null || !NAME.matcher(name).matches()) {
      throw invalid("name", "'" + name + "' is not 1-63 letters, digits, '.', '_' or '-'");
    }
    if (maxChannels < 1) {
      throw invalid("maxChannels", "must be at least 1, not " + maxChannels);
    }
    if (sendWindow < 2) {
      throw invalid("sendWindow", "must be at least 2, not " + sendWindow);
    }
    if (sendTimeoutMillis < 1) {
      throw invalid("sendTimeoutMillis", "must be at least 1, not " + sendTimeoutMillis);
    }
    if (linkHeartbeatMillis < 1) {
      throw invalid("linkHeartbeatMillis", "must be at least 1, not " + linkHeartbeatMillis);
    }
    if (linkTimeoutMillis <= linkHeartbeatMillis) {
      throw invalid("linkTimeoutMillis", "must be more than linkHeartbeatMillis (" + linkHeartbeatMillis + "), not "
          + linkTimeoutMillis);
    }
    if (endpointDir == null || endpointDir.isBlank()) {
      throw invalid("endpointDir", "must be a directory path");
    }
    return this;
  }

  private static HooknetException invalid(String setting, String problem) {
    return HooknetException.of(Errno.EINVAL, "pool setting '%s': %s", setting, problem);
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
