package io.hooknet.bridge;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;

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
  private String tlsCert;
  private String tlsKey;
  private boolean eventBusTls;

  public HooknetBridgeOptions() {
  }

  public HooknetBridgeOptions(HooknetBridgeOptions other) {
    host = other.host;
    tcpPort = other.tcpPort;
    httpPort = other.httpPort;
    enableCommands = other.enableCommands;
    token = other.token;
    tlsCert = other.tlsCert;
    tlsKey = other.tlsKey;
    eventBusTls = other.eventBusTls;
  }

  /** Options from JSON with the keys of {@link #toJson()}; absent keys keep their defaults. */
  public HooknetBridgeOptions(JsonObject json) {
    host = json.getString("host", host);
    tcpPort = json.getInteger("tcpPort", tcpPort);
    httpPort = json.getInteger("httpPort", httpPort);
    enableCommands = json.getBoolean("enableCommands", enableCommands);
    token = json.getString("token", token);
    tlsCert = json.getString("tlsCert", tlsCert);
    tlsKey = json.getString("tlsKey", tlsKey);
    eventBusTls = json.getBoolean("eventBusTls", eventBusTls);
  }

  /** The settings as JSON; the token is left out. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("host", host).put("tcpPort", tcpPort).put("httpPort", httpPort)
        .put("enableCommands", enableCommands);
    if (isTls()) {
      json.put("tlsCert", tlsCert).put("tlsKey", tlsKey).put("eventBusTls", eventBusTls);
    }
    return json;
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

  public String getTlsCert() {
    return tlsCert;
  }

  /**
   * The PEM file of the certificate (chain) both bridges present; with {@link #setTlsKey} it turns TLS on for the
   * TCP bridge and for HTTPS on the HTTP port (SockJS and the dashboard). Plain-text connections are then refused.
   */
  public HooknetBridgeOptions setTlsCert(String tlsCert) {
    this.tlsCert = tlsCert;
    return this;
  }

  public String getTlsKey() {
    return tlsKey;
  }

  /** The PEM file of the private key (PKCS#8 or PKCS#1) of {@link #setTlsCert the certificate}. */
  public HooknetBridgeOptions setTlsKey(String tlsKey) {
    this.tlsKey = tlsKey;
    return this;
  }

  public boolean isEventBusTls() {
    return eventBusTls;
  }

  /**
   * Whether the clustered event bus between the nodes speaks TLS too, with the same certificate and key, each node
   * trusting the certificates of {@link #setTlsCert the certificate file}: every node of the cluster needs it on.
   */
  public HooknetBridgeOptions setEventBusTls(boolean eventBusTls) {
    this.eventBusTls = eventBusTls;
    return this;
  }

  /** Whether the bridges speak TLS. */
  public boolean isTls() {
    return tlsCert != null;
  }

  /** The certificate and key as Vert.x key options, or null without TLS. */
  public PemKeyCertOptions keyCertOptions() {
    return isTls() ? new PemKeyCertOptions().setCertPath(tlsCert).setKeyPath(tlsKey) : null;
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
    if ((tlsCert == null) != (tlsKey == null)) {
      throw invalid(tlsCert == null ? "tlsCert" : "tlsKey", "TLS needs both tlsCert and tlsKey");
    }
    if (eventBusTls && tlsCert == null) {
      throw invalid("eventBusTls", "TLS on the event bus needs tlsCert and tlsKey");
    }
    requireReadable("tlsCert", tlsCert);
    requireReadable("tlsKey", tlsKey);
    return this;
  }

  private static void requireReadable(String setting, String file) {
    if (file != null && !Files.isReadable(Path.of(file))) {
      throw invalid(setting, "cannot read the PEM file '" + file + "'");
    }
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
