package io.hooknet.sockets;

import java.util.Collection;
import java.util.List;

/**
 * Where a {@link DestinationFilter} sends a packet: to every other node, to some nodes, or nowhere, optionally on
 * another channel. The answer of libknet's filter ({@code knet_handle_enable_filter}).
 */
public final class Route {

  private static final Route BROADCAST = new Route(null, false, -1);
  private static final Route DROP = new Route(List.of(), true, -1);

  private final List<String> nodes;
  private final boolean drop;
  private final int channel;

  private Route(List<String> nodes, boolean drop, int channel) {
    this.nodes = nodes;
    this.drop = drop;
    this.channel = channel;
  }

  /** Every other node of the cluster. */
  public static Route broadcast() {
    return BROADCAST;
  }

  /** Only these nodes; a name that is not in the cluster is reported as {@code EHOSTDOWN}. */
  public static Route to(Collection<String> nodes) {
    return new Route(List.copyOf(nodes), false, -1);
  }

  public static Route to(String... nodes) {
    return to(List.of(nodes));
  }

  /** Nowhere: the packet is dropped and counted as {@code filtered}. */
  public static Route drop() {
    return DROP;
  }

  /** The same destinations, with the packet delivered on {@code channel} instead of its own. */
  public Route onChannel(int channel) {
    if (channel < 0) {
      throw new IllegalArgumentException("a channel is 0 or more, not " + channel);
    }
    return new Route(nodes, drop, channel);
  }

  public boolean isBroadcast() {
    return nodes == null;
  }

  public boolean isDrop() {
    return drop;
  }

  /** The chosen nodes; empty for a broadcast or a drop. */
  public List<String> nodes() {
    return nodes == null ? List.of() : nodes;
  }

  /** The channel to deliver on, or -1 to keep the packet's own. */
  public int channel() {
    return channel;
  }

  @Override
  public String toString() {
    String where = drop ? "drop" : isBroadcast() ? "broadcast" : "to " + nodes;
    return channel < 0 ? where : where + " on channel " + channel;
  }
}
