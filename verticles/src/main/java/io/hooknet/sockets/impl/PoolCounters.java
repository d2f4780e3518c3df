package io.hooknet.sockets.impl;

import io.hooknet.codec.Replies.ChannelStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pool's counters, one {@link ChannelCounters} per channel that has seen traffic, kept on the pool's event loop.
 * The sockets and the switch count into it directly; the pool reads it for {@code stats}.
 */
final class PoolCounters {

  private final String pool;
  private final Map<Integer, ChannelCounters> channels = new TreeMap<>();

  PoolCounters(String pool) {
    this.pool = pool;
  }

  /** A packet the application wrote into the socket on {@code channel}. */
  void read(int channel, int bytes) {
    of(channel).read(bytes);
  }

  /** A packet written to the application's socket on {@code channel}. */
  void written(int channel, int bytes) {
    of(channel).written(bytes);
  }

  /** A packet on {@code channel} that was dropped. */
  void dropped(int channel, DropReason reason) {
    of(channel).dropped(reason);
  }

  /** {@code packets} packets on {@code channel} dropped for {@code reason}. */
  void dropped(int channel, DropReason reason, long packets) {
    ChannelCounters counters = of(channel);
    for (long i = 0; i < packets; i++) {
      counters.dropped(reason);
    }
  }

  /** A fault of the socket on {@code channel}. */
  void faulted(int channel, int txRx, int errno) {
    of(channel).faulted(txRx, errno);
  }

  /** Every channel's counters, by channel. */
  List<ChannelStats> stats() {
    List<ChannelStats> stats = new ArrayList<>();
    channels.forEach((channel, counters) -> stats.add(counters.toStats(channel)));
    return stats;
  }

  private ChannelCounters of(int channel) {
    return channels.computeIfAbsent(channel, c -> new ChannelCounters(pool, c));
  }
}
