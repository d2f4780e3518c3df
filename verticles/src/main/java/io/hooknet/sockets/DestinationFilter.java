package io.hooknet.sockets;

import io.vertx.core.buffer.Buffer;

/**
 * Picks where channel data goes, like the filter of {@code knet_handle_enable_filter(3)}. It is called on the
 * pool's event loop for every packet: with {@code txRx} {@code TX} (0) on the node that read it, to choose the
 * destinations, and with {@code RX} (1) on each node that receives it, where a {@link Route#drop()} drops it and
 * {@link Route#onChannel} delivers it on another channel (the destinations are ignored there). It must not block.
 */
@FunctionalInterface
public interface DestinationFilter {

  /**
   * @param packet     the payload; do not change it, and copy what of it is kept after the call: a packet that
   *                   arrived from another node may be the network buffer it came in, reused once written (as
   *                   libknet's filter gets a pointer valid for the call)
   * @param txRx       {@code SockEvent.TX} where the packet was read, {@code SockEvent.RX} where it arrives
   * @param thisNode   the node calling the filter
   * @param sourceNode the node that read the packet
   */
  Route route(Buffer packet, int txRx, String thisNode, String sourceNode);
}
