package io.hooknet.codec;

import static io.hooknet.codec.impl.Check.invalid;
import static io.hooknet.codec.impl.Check.name;
import static io.hooknet.codec.impl.Check.notNegative;
import static io.hooknet.codec.impl.Check.oneOf;
import static io.hooknet.codec.impl.Check.positive;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A socket fault in a pool: the {@code (datafd, channel, tx_rx, error, errno)} of
 * {@code knet_handle_enable_sock_notify(3)}, with the node and pool it happened in.
 *
 * @param node      the node whose pool saw the fault
 * @param pool      the pool's name
 * @param datafd    the pool-assigned id of the socket (positive, never reused within a pool)
 * @param channel   the socket's channel
 * @param txRx      {@link #TX} (0): reading the application's socket failed or ended; {@link #RX} (1): writing
 *                  to it failed
 * @param error     0 for end of read, -1 for an error
 * @param errno     the errno number, 0 for end of read
 * @param errnoName the errno's name, {@code null} when {@code errno} is 0
 * @param dropped   packets dropped since the previous event of this socket (write errors)
 * @param seq       per-pool sequence number, consecutive from 1
 * @param ts        when the fault was seen, in microseconds since the epoch
 */
public record SockEvent(
    @JsonProperty(required = true) String node,
    @JsonProperty(required = true) String pool,
    @JsonProperty(required = true) long datafd,
    @JsonProperty(required = true) int channel,
    @JsonProperty(required = true) int txRx,
    @JsonProperty(required = true) int error,
    @JsonProperty(required = true) int errno,
    String errnoName,
    @JsonProperty(required = true) long dropped,
    @JsonProperty(required = true) long seq,
    @JsonProperty(required = true) long ts) implements HooknetMessage {

  /** Reading the application's socket failed or reached its end. */
  public static final int TX = 0;
  /** Writing to the application's socket failed. */
  public static final int RX = 1;

  public SockEvent {
    name("node", node);
    name("pool", pool);
    positive("datafd", datafd);
    notNegative("channel", channel);
    oneOf("txRx", txRx, TX, RX);
    oneOf("error", error, 0, -1);
    notNegative("errno", errno);
    if (error == 0 && errno != 0) {
      throw invalid("errno", "must be 0 when error is 0 (end of read), not " + errno);
    }
    String expected = Errno.nameOf(errno);
    if (errnoName == null) {
      errnoName = expected;
    } else if (!Objects.equals(errnoName, expected)) {
      throw invalid("errnoName", "must be " + expected + " for errno " + errno + ", not " + errnoName);
    }
    notNegative("dropped", dropped);
    positive("seq", seq);
    notNegative("ts", ts);
  }

  /** An event whose {@code errnoName} is derived from {@code errno}. */
  public static SockEvent of(String node, String pool, long datafd, int channel, int txRx, int error, int errno,
      long dropped, long seq, long ts) {
    return new SockEvent(node, pool, datafd, channel, txRx, error, errno, null, dropped, seq, ts);
  }

  /** True for an end of read: {@code error == 0 && errno == 0}. */
  public boolean endOfRead() {
    return error == 0;
  }
}
