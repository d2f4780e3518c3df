package io.hooknet.sockets.impl;

/** Why a pool dropped a packet; the names are the keys of {@code dropsByReason} in the stats. */
enum DropReason {
  /** A framed packet, or one to write, over 65,536 bytes. */
  OVERSIZED("oversized"),
  /** For a socket quarantined after a fault. */
  QUARANTINED("quarantined"),
  /** For an endpoint nothing has connected to yet. */
  NOT_CONNECTED("notConnected"),
  /** Writing it to the application's socket failed. */
  WRITE_FAILED("writeFailed"),
  /** Arrived from another node for a channel without a socket here. */
  NO_SOCKET("noSocket"),
  /** Arrived from another node while this pool does not forward. */
  FWD_OFF("fwdOff"),
  /** A destination filter dropped it. */
  FILTERED("filtered"),
  /** Read from a datagram socket whose receivers were pushing back. */
  BACKPRESSURE("backpressure"),
  /** Addressed to a node that is not in the cluster, or not answered by it. */
  UNREACHABLE("unreachable");

  final String key;

  DropReason(String key) {
    this.key = key;
  }
}
