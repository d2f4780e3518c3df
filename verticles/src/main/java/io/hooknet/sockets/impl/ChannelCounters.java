package io.hooknet.sockets.impl;

import io.hooknet.codec.Replies.ChannelStats;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/** The counters of one channel of a pool, kept on the pool's event loop. */
final class ChannelCounters {

  private long packetsTx;
  private long bytesTx;
  private long packetsRx;
  private long bytesRx;
  private long drops;
  private long faults;
  private final Map<DropReason, Long> dropsByReason = new EnumMap<>(DropReason.class);

  void read(int bytes) {
    packetsTx++;
    bytesTx += bytes;
  }

  void written(int bytes) {
    packetsRx++;
    bytesRx += bytes;
  }

  void dropped(DropReason reason) {
    drops++;
    dropsByReason.merge(reason, 1L, Long::sum);
  }

  void faulted() {
    faults++;
  }

  ChannelStats toStats(int channel) {
    Map<String, Long> reasons = new TreeMap<>();
    dropsByReason.forEach((reason, count) -> reasons.put(reason.key, count));
    return new ChannelStats(channel, packetsTx, bytesTx, packetsRx, bytesRx, drops, faults, reasons);
  }
}
