package io.hooknet.codec;

import static io.hooknet.codec.impl.Check.invalid;
import static io.hooknet.codec.impl.Check.name;
import static io.hooknet.codec.impl.Check.notNegative;
import static io.hooknet.codec.impl.Check.positive;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The link from a pool to the pool of the same name on another node went up or down: what
 * {@code knet_link_enable_status_change_notify(3)} and {@code knet_host_enable_status_change_notify(3)} tell, for
 * the one link a pool keeps to each other node.
 *
 * @param node          the node whose pool's link it is (the sending side)
 * @param pool          the pool's name
 * @param remote        the node at the other end
 * @param status        {@link Status#UP}: the other node answered on the link; {@link Status#DOWN}: the link
 *                      closed, or went without an answer for the pool's link timeout
 * @param latencyMicros the round trip of the heartbeat that found the link up, in microseconds; 0 when down
 * @param seq           per-pool sequence number of link events, consecutive from 1
 * @param ts            when the change was seen, in microseconds since the epoch
 */
public record LinkEvent(
    @JsonProperty(required = true) String node,
    @JsonProperty(required = true) String pool,
    @JsonProperty(required = true) String remote,
    @JsonProperty(required = true) Status status,
    @JsonProperty(required = true) long latencyMicros,
    @JsonProperty(required = true) long seq,
    @JsonProperty(required = true) long ts) implements HooknetMessage {

  /** A link's state as an event tells it. */
  public enum Status { UP, DOWN }

  public LinkEvent {
    name("node", node);
    name("pool", pool);
    name("remote", remote);
    if (status == null) {
      throw invalid("status", "must be UP or DOWN");
    }
    notNegative("latencyMicros", latencyMicros);
    if (status == Status.DOWN && latencyMicros != 0) {
      throw invalid("latencyMicros", "must be 0 when the link is down, not " + latencyMicros);
    }
    positive("seq", seq);
    notNegative("ts", ts);
  }
}
