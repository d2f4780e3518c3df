package io.hooknet.codec;

import static io.hooknet.codec.impl.Check.invalid;
import static io.hooknet.codec.impl.Check.name;
import static io.hooknet.codec.impl.Check.positive;
import static io.hooknet.codec.impl.Check.required;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A request to a node's socket pools on {@code hooknet.pool.<nodeName>.cmd}. {@code pool} defaults to
 * {@value #DEFAULT_POOL}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = PoolCommand.Add.class, name = "add"),
    @JsonSubTypes.Type(value = PoolCommand.Remove.class, name = "remove"),
    @JsonSubTypes.Type(value = PoolCommand.Get.class, name = "get"),
    @JsonSubTypes.Type(value = PoolCommand.ListSockets.class, name = "list"),
    @JsonSubTypes.Type(value = PoolCommand.Stats.class, name = "stats"),
    @JsonSubTypes.Type(value = PoolCommand.SetFwd.class, name = "setfwd"),
})
public sealed interface PoolCommand extends HooknetMessage {

  /** The pool a request without {@code pool} goes to. */
  String DEFAULT_POOL = "default";

  /** The pool the request is for. */
  String pool();

  private static String poolOrDefault(String pool) {
    return pool == null ? DEFAULT_POOL : name("pool", pool);
  }

  /** The kind of socket a pool creates for {@link Add}. */
  enum Endpoint {
    /** A Unix domain socket path that accepts one connection. */
    @JsonProperty("unix") UNIX,
    /** A {@code 127.0.0.1} port that accepts one connection. */
    @JsonProperty("tcp") TCP
  }

  /**
   * Creates an endpoint on {@code channel} (-1 or absent: the lowest free channel) and answers
   * {@link Replies.EndpointInfo}.
   */
  record Add(String pool, Integer channel, @JsonProperty(required = true) Endpoint endpoint)
      implements PoolCommand {
    public Add {
      pool = poolOrDefault(pool);
      channel = channel == null ? -1 : channel;
      if (channel < -1) {
        throw invalid("channel", "must be -1 (lowest free) or a channel number, not " + channel);
      }
      required("endpoint", endpoint);
    }
  }

  /** Removes a socket by datafd. */
  record Remove(String pool, @JsonProperty(required = true) long datafd) implements PoolCommand {
    public Remove {
      pool = poolOrDefault(pool);
      positive("datafd", datafd);
    }
  }

  /** The socket on a channel ({@code knet_handle_get_datafd}). */
  record Get(String pool, @JsonProperty(required = true) int channel) implements PoolCommand {
    public Get {
      pool = poolOrDefault(pool);
    }
  }

  /** Every socket of the pool. */
  record ListSockets(String pool) implements PoolCommand {
    public ListSockets {
      pool = poolOrDefault(pool);
    }
  }

  /** The pool's counters ({@code knet_handle_get_stats}). */
  record Stats(String pool) implements PoolCommand {
    public Stats {
      pool = poolOrDefault(pool);
    }
  }

  /** Turns channel data switching between nodes on or off ({@code knet_handle_setfwd}). */
  record SetFwd(String pool, @JsonProperty(required = true) boolean enabled) implements PoolCommand {
    public SetFwd {
      pool = poolOrDefault(pool);
    }
  }
}
