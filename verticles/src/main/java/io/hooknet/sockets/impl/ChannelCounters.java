package io.hooknet.sockets.impl;

import io.hooknet.codec.Replies.ChannelStats;

/** The counters of one channel of a pool, kept on the pool's event loop. */
final class ChannelCounters {

  long packetsTx;
  long bytesTx;
  long packetsRx;
  long bytesRx;
  long drops;
  long faults;

  void read(int bytes) {
    packetsTx++;
    bytesTx += bytes;
  }

  void written(int bytes) {
    packetsRx++;
    bytesRx += bytes;
  }

  ChannelStats toStats(int channel) {
    return new ChannelStats(channel, packetsTx, bytesTx, packetsRx, bytesRx, drops, faults);
  }
}
