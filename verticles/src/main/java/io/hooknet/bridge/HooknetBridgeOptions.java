package io.hooknet.bridge;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.vertx.core.json.JsonObject;

/** The settings of the event bus bridges. */
public class HooknetBridgeOptions {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_TCP_PORT = 7000;
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final boolean DEFAULT_ENABLE_COMMANDS = false;

  private String host = DEFAULT_HOST;
  private int tcpPort = DEFAULT_TCP_PORT;
  private int httpPort = DEFAULT_HTTP_PORT;
  private boolean enableCommands = DEFAULT_ENABLE_COMMANDS;
  private String token;

  public HooknetBridgeOptions() {
  }

  public HooknetBridgeOptions(HooknetBridgeOptions other) {
    host = other.host;
    tcpPort = other.tcpPort;
    httpPort = other.httpPort;
    enableCommands = other.enableCommands;
    token = other.token;
  }

  /** Options from JSON with the keys of {@link #toJson()}; absent keys keep their defaults. */
  public HooknetBridgeOptions(JsonObject json) {
    host = json.getString("host", host);
    tcpPort = json.getInteger("tcpPort", tcpPort);
    httpPort = json.getInteger("httpPort", httpPort);
    enableCommands = json.getBoolean("enableCommands", enableCommands);
    token = json.getString("token", token);
  }

  /** The settings as JSON; the token is left out. */
  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("tcpPort", tcpPort).put("httpPort", httpPort)
        .put("enableCommands", enableCommands);
  }

  public String getHost() {
    return host;
  }

  /** The address both bridges listen on. */
  public HooknetBridgeOptions setHost(String host) {
    this.host = host;
    return this;
  }

  public int getTcpPort() {
    return tcpPort;
  }

  /** The TCP event bus bridge's port (1-65535). */
  public HooknetBridgeOptions setTcpPort(int tcpPort) {
    this.tcpPort = tcpPort;
    return this;
  }

  public int getHttpPort() {
    return httpPort;
  }

  /** The HTTP port of the SockJS bridge at {@code /eventbus} and the dashboard (1-65535). */
  public HooknetBridgeOptions setHttpPort(int httpPort) {
    this.httpPort = httpPort;
    return this;
  }

  public boolean isEnableCommands() {
    return enableCommands;
  }

  /**
   * Whether bridged clients may send pool and registry commands (off by default: they can only listen). Needs
   * a {@link #setToken token}, which every command must carry in its {@code token} header.
   */
  public HooknetBridgeOptions setEnableCommands(boolean enableCommands) {
    this.enableCommands = enableCommands;
    return this;
  }

  public String getToken() {
    return token;
  }

  /** The secret that commands must carry in the header {@code token}. */
  public HooknetBridgeOptions setToken(String token) {
    this.token = token;
    return this;
  }

  /** Checks the settings; a wrong one is an {@code EINVAL} that names it. */
  public HooknetBridgeOptions validate() {
    if (host == null || host.isBlank()) {
      throw invalid("host", "must be an address to listen on");
    }
    requirePort("tcpPort", tcpPort);
    requirePort("httpPort", httpPort);
    if (enableCommands && (token == null || token.length() < 8)) {
      throw invalid("token", "commands need a token of at least 8 characters");
    }
    return this;
  }

  private static void requirePort(String setting, int port) {
    if (port < 1 || port > 65_535) {
      throw invalid(setting, port + " is outside 1-65535");
    }
  }

  private static HooknetException invalid(String setting, String problem) {
    return HooknetException.of(Errno.EINVAL, "bridge setting '%s': %s", setting, problem);
  }
}
