package io.hooknet.hooks;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.vertx.core.json.JsonObject;

/** The settings of a node's hook registry: sessions, the history kept for resuming callbacks, and timeouts. */
public class HookRegistryOptions {

  /** How long a bridged client's session outlives its connection. */
  public static final int DEFAULT_SESSION_GRACE_SECONDS = 10;
  /** Changes an event keeps, so that a resuming callback can be given exactly those it missed. */
  public static final int DEFAULT_HISTORY_SIZE = 128;
  /** How long {@code run} waits for one hook's answer. */
  public static final long DEFAULT_HOOK_TIMEOUT_MILLIS = 5_000;
  /** How long any registry operation may take before it answers {@code ETIMEDOUT}. */
  public static final long DEFAULT_COMMAND_TIMEOUT_MILLIS = 20_000;

  private int sessionGraceSeconds = DEFAULT_SESSION_GRACE_SECONDS;
  private int historySize = DEFAULT_HISTORY_SIZE;
  private long hookTimeoutMillis = DEFAULT_HOOK_TIMEOUT_MILLIS;
  private long commandTimeoutMillis = DEFAULT_COMMAND_TIMEOUT_MILLIS;

  public HookRegistryOptions() {
  }

  public HookRegistryOptions(HookRegistryOptions other) {
    this.sessionGraceSeconds = other.sessionGraceSeconds;
    this.historySize = other.historySize;
    this.hookTimeoutMillis = other.hookTimeoutMillis;
    this.commandTimeoutMillis = other.commandTimeoutMillis;
  }

  /** Options from JSON with the keys of {@link #toJson()}; absent keys keep their defaults. */
  public HookRegistryOptions(JsonObject json) {
    sessionGraceSeconds = json.getInteger("sessionGraceSeconds", sessionGraceSeconds);
    historySize = json.getInteger("historySize", historySize);
    hookTimeoutMillis = json.getLong("hookTimeoutMillis", hookTimeoutMillis);
    commandTimeoutMillis = json.getLong("commandTimeoutMillis", commandTimeoutMillis);
  }

  public JsonObject toJson() {
    return new JsonObject().put("sessionGraceSeconds", sessionGraceSeconds).put("historySize", historySize)
        .put("hookTimeoutMillis", hookTimeoutMillis).put("commandTimeoutMillis", commandTimeoutMillis);
  }

  public int getSessionGraceSeconds() {
    return sessionGraceSeconds;
  }

  /**
   * How long (0-3600 s) a bridged client's session, with its hooks and callbacks, outlives the connection: a
   * client that comes back within it, to any node, resumes the session. 0 ends a session when its connection
   * closes.
   */
  public HookRegistryOptions setSessionGraceSeconds(int sessionGraceSeconds) {
    this.sessionGraceSeconds = sessionGraceSeconds;
    return this;
  }

  public int getHistorySize() {
    return historySize;
  }

  /**
   * How many changes (1-100,000) each event keeps, so that a callback resuming after a disconnect gets exactly
   * the changes it missed; one that missed more gets a replay marked RESYNC.
   */
  public HookRegistryOptions setHistorySize(int historySize) {
    this.historySize = historySize;
    return this;
  }

  public long getHookTimeoutMillis() {
    return hookTimeoutMillis;
  }

  /** How long (1 ms - 10 min) {@code run} waits for a hook; one that does not answer stops the chain, ETIMEDOUT. */
  public HookRegistryOptions setHookTimeoutMillis(long hookTimeoutMillis) {
    this.hookTimeoutMillis = hookTimeoutMillis;
    return this;
  }

  public long getCommandTimeoutMillis() {
    return commandTimeoutMillis;
  }

  /**
   * How long (1 ms - 10 min) a registry operation, {@code run} included, may take before it answers ETIMEDOUT.
   * A change that times out may or may not have been made; {@code list} tells.
   */
  public HookRegistryOptions setCommandTimeoutMillis(long commandTimeoutMillis) {
    this.commandTimeoutMillis = commandTimeoutMillis;
    return this;
  }

  /** Checks the settings; a wrong one is an {@code EINVAL} that names it. */
  public HookRegistryOptions validate() {
    requireRange("sessionGraceSeconds", sessionGraceSeconds, 0, 3600);
    requireRange("historySize", historySize, 1, 100_000);
    requireRange("hookTimeoutMillis", hookTimeoutMillis, 1, 600_000);
    requireRange("commandTimeoutMillis", commandTimeoutMillis, 1, 600_000);
    return this;
  }

  private static void requireRange(String setting, long value, long min, long max) {
    if (value < min || value > max) {
      throw HooknetException.of(Errno.EINVAL, "registry setting '%s': %d is outside %d-%d", setting, value, min,
          max);
    }
  }
}
