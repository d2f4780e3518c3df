package io.hooknet.sockets.impl;

import io.hooknet.codec.Replies.ChannelStats;
import io.hooknet.metrics.HooknetMeters;
import io.micrometer.core.instrument.Counter;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** The counters of one channel of a pool, kept on the pool's event loop, and its meters. */
final class ChannelCounters {

  private final String pool;
  private final int channel;
  private final Counter packetsTxMeter;
  private final Counter bytesTxMeter;
  private final Counter packetsRxMeter;
  private final Counter bytesRxMeter;
  private final Map<DropReason, Counter> dropMeters = new EnumMap<>(DropReason.class);
  /** The sock-event meters by direction and errno ({@code txRx << 16 | errno}). */
  private final Map<Integer, Counter> faultMeters = new HashMap<>();

  private long packetsTx;
  private long bytesTx;
  private long packetsRx;
  private long bytesRx;
  private long drops;
  private long faults;
  private final Map<DropReason, Long> dropsByReason = new EnumMap<>(DropReason.class);

  ChannelCounters(String pool, int channel) {
    this.pool = pool;
    this.channel = channel;
    packetsTxMeter = HooknetMeters.packets(pool, channel, "tx");
    bytesTxMeter = HooknetMeters.bytes(pool, channel, "tx");
    packetsRxMeter = HooknetMeters.packets(pool, channel, "rx");
    bytesRxMeter = HooknetMeters.bytes(pool, channel, "rx");
  }

  void read(int bytes) {
    packetsTx++;
    bytesTx += bytes;
    packetsTxMeter.increment();
    bytesTxMeter.increment(bytes);
  }

  void written(int bytes) {
    packetsRx++;
    bytesRx += bytes;
    packetsRxMeter.increment();
    bytesRxMeter.increment(bytes);
  }

  void dropped(DropReason reason) {
    drops++;
    dropsByReason.merge(reason, 1L, Long::sum);
    dropMeters.computeIfAbsent(reason, r -> HooknetMeters.drops(pool, channel, r.key)).increment();
  }

  void faulted(int txRx, int errno) {
    faults++;
    faultMeters.computeIfAbsent(txRx << 16 | errno, key -> HooknetMeters.sockEvents(pool, channel, txRx, errno))
        .increment();
  }

  ChannelStats toStats(int channel) {
    Map<String, Long> reasons = new TreeMap<>();
    dropsByReason.forEach((reason, count) -> reasons.put(reason.key, count));
    return new ChannelStats(channel, packetsTx, bytesTx, packetsRx, bytesRx, drops, faults, reasons);
  }
}
