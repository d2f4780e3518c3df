package io.hooknet.codec;

import static io.hooknet.codec.impl.Check.invalid;
import static io.hooknet.codec.impl.Check.name;
import static io.hooknet.codec.impl.Check.notNegative;
import static io.hooknet.codec.impl.Check.optionalName;
import static io.hooknet.codec.impl.Check.positive;
import static io.hooknet.codec.impl.Check.required;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The bodies of successful replies to {@link HookCommand}s and {@link PoolCommand}s. */
public final class Replies {

  private Replies() {
  }

  /** A change was made; {@code seq} is the event's sequence number after it (0 for family-level changes). */
  public record Ack(@JsonProperty(required = true) long seq) implements HooknetMessage {
    public Ack {
      notNegative("seq", seq);
    }
  }

  /** A hook in a chain; {@code session} is the bridge session that owns it, {@code null} when a node does. */
  public record HookInfo(
      @JsonProperty(required = true) String hook,
      @JsonProperty(required = true) Hint hint,
      String hintValue,
      @JsonProperty(required = true) String address,
      @JsonProperty(required = true) String node,
      String session,
      @JsonProperty(required = true) int position,
      @JsonProperty(required = true) long hits) implements HooknetMessage {
    public HookInfo {
      name("hook", hook);
      required("hint", hint);
      optionalName("hintValue", hintValue);
      name("address", address);
      name("node", node);
      optionalName("session", session);
      notNegative("position", position);
      notNegative("hits", hits);
    }
  }

  /** An event's hook chain, in order, as of change {@code (epoch, seq)}. */
  public record EventChain(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String event,
      @JsonProperty(required = true) long epoch,
      @JsonProperty(required = true) long seq,
      @JsonProperty(required = true) List<HookInfo> hooks) implements HooknetMessage {
    public EventChain {
      name("family", family);
      name("event", event);
      notNegative("epoch", epoch);
      notNegative("seq", seq);
      hooks = List.copyOf(required("hooks", hooks));
    }
  }

  /** The answer to {@code list}: the chains asked for. */
  public record HookChains(@JsonProperty(required = true) List<EventChain> events) implements HooknetMessage {
    public HookChains {
      events = List.copyOf(required("events", events));
    }
  }

  /**
   * The answer to {@code run}: the first non-zero result ({@code rc}, 0 when every hook returned 0), how many
   * hooks were called, and the hook that stopped the chain ({@code null} when none did). A hook that could not be
   * called or did not answer stops the chain too: {@code errno} then says why ({@code EHOSTUNREACH}: nothing
   * listens at its address; {@code ETIMEDOUT}: no answer in time) and is also its {@code rc}; it is 0 when every
   * hook called answered.
   */
  public record RunResult(
      @JsonProperty(required = true) int rc,
      @JsonProperty(required = true) int called,
      String stoppedBy,
      @JsonProperty(required = true) int errno,
      String errnoName) implements HooknetMessage {
    public RunResult {
      notNegative("called", called);
      optionalName("stoppedBy", stoppedBy);
      notNegative("errno", errno);
      String expected = Errno.nameOf(errno);
      if (errnoName == null) {
        errnoName = expected;
      } else if (!errnoName.equals(expected)) {
        throw invalid("errnoName", "must be " + expected + " for errno " + errno + ", not " + errnoName);
      }
      if (errno != 0 && (stoppedBy == null || rc != errno)) {
        throw invalid("errno", "a hook that failed (errno " + errno + ") stops the chain with rc " + errno
            + " and is named in stoppedBy");
      }
    }

    /** The chain ran: {@code rc} from the hooks, no failure to call one. */
    public RunResult(int rc, int called, String stoppedBy) {
      this(rc, called, stoppedBy, 0, null);
    }

    /** The chain stopped at {@code hook}, which could not be called or did not answer ({@code errno}). */
    public static RunResult failed(int called, String hook, Errno errno) {
      return new RunResult(errno.number(), called, hook, errno.number(), null);
    }
  }

  /** The answer to {@code stats}: an event's counters and its hooks with their hits. */
  public record EventStats(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String event,
      @JsonProperty(required = true) long hooksAdded,
      @JsonProperty(required = true) long hooksRemoved,
      @JsonProperty(required = true) long events,
      @JsonProperty(required = true) List<HookInfo> hooks) implements HooknetMessage {
    public EventStats {
      name("family", family);
      name("event", event);
      notNegative("hooksAdded", hooksAdded);
      notNegative("hooksRemoved", hooksRemoved);
      notNegative("events", events);
      hooks = List.copyOf(required("hooks", hooks));
    }
  }

  /**
   * The answer to {@code session}: the id of the bridge session the connection belongs to, the node it is anchored
   * at, whether it is one the client had before (resumed within the grace period), that period, and the notices
   * ({@code HN_UNREGISTER}, cause {@code MERGE_CONFLICT}) of hooks the session lost in a merge while none of its
   * connections could be told, given once.
   */
  public record SessionInfo(
      @JsonProperty(required = true) String session,
      @JsonProperty(required = true) String node,
      @JsonProperty(required = true) boolean resumed,
      @JsonProperty(required = true) long graceSeconds,
      List<HookEvent> lost) implements HooknetMessage {
    public SessionInfo {
      name("session", session);
      name("node", node);
      notNegative("graceSeconds", graceSeconds);
      lost = lost == null ? List.of() : List.copyOf(lost);
    }

    public SessionInfo(String session, String node, boolean resumed, long graceSeconds) {
      this(session, node, resumed, graceSeconds, List.of());
    }
  }

  /** The answer to a pool {@code add}: the new socket's datafd, its channel and where to connect. */
  public record EndpointInfo(
      @JsonProperty(required = true) long datafd,
      @JsonProperty(required = true) int channel,
      @JsonProperty(required = true) String address) implements HooknetMessage {
    public EndpointInfo {
      positive("datafd", datafd);
      notNegative("channel", channel);
      name("address", address);
    }
  }

  /** The state of a socket in a pool. */
  public enum SocketState {
    /** Read and written. */
    @JsonProperty("active") ACTIVE,
    /** Not read for now: a receiver pushed back. */
    @JsonProperty("paused") PAUSED,
    /** Faulted and left alone by the handler: not read, not written. */
    @JsonProperty("error") ERROR
  }

  /** A socket in a pool; {@code address} is set for pool-created endpoints. */
  public record SocketInfo(
      @JsonProperty(required = true) long datafd,
      @JsonProperty(required = true) int channel,
      @JsonProperty(required = true) String kind,
      @JsonProperty(required = true) SocketState state,
      String address) implements HooknetMessage {
    public SocketInfo {
      positive("datafd", datafd);
      notNegative("channel", channel);
      name("kind", kind);
      required("state", state);
      optionalName("address", address);
    }
  }

  /** The answer to a pool {@code list}. */
  public record PoolSockets(
      @JsonProperty(required = true) String node,
      @JsonProperty(required = true) String pool,
      @JsonProperty(required = true) List<SocketInfo> sockets) implements HooknetMessage {
    public PoolSockets {
      name("node", node);
      name("pool", pool);
      sockets = List.copyOf(required("sockets", sockets));
    }
  }

  /**
   * A channel's counters: {@code packetsTx}/{@code bytesTx} read from the application's sockets,
   * {@code packetsRx}/{@code bytesRx} written to them, {@code drops} in all and {@code dropsByReason} by reason
   * (absent reasons are 0).
   */
  public record ChannelStats(
      @JsonProperty(required = true) int channel,
      @JsonProperty(required = true) long packetsTx,
      @JsonProperty(required = true) long bytesTx,
      @JsonProperty(required = true) long packetsRx,
      @JsonProperty(required = true) long bytesRx,
      @JsonProperty(required = true) long drops,
      @JsonProperty(required = true) long faults,
      Map<String, Long> dropsByReason) implements HooknetMessage {
    public ChannelStats {
      dropsByReason = dropsByReason == null ? Map.of()
          : Collections.unmodifiableMap(new TreeMap<>(dropsByReason));
      dropsByReason.forEach((reason, count) -> notNegative("dropsByReason." + reason, required("count", count)));
      notNegative("channel", channel);
      notNegative("packetsTx", packetsTx);
      notNegative("bytesTx", bytesTx);
      notNegative("packetsRx", packetsRx);
      notNegative("bytesRx", bytesRx);
      notNegative("drops", drops);
      notNegative("faults", faults);
    }
  }

  /** The answer to a pool {@code stats}: counters per channel that has seen traffic or faults. */
  public record PoolStats(
      @JsonProperty(required = true) String node,
      @JsonProperty(required = true) String pool,
      @JsonProperty(required = true) List<ChannelStats> channels) implements HooknetMessage {
    public PoolStats {
      name("node", node);
      name("pool", pool);
      channels = List.copyOf(required("channels", channels));
    }
  }
}
