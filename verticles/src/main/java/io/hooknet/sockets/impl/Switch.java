package io.hooknet.sockets.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.SockEvent;
import io.hooknet.sockets.Delivery;
import io.hooknet.sockets.DestinationFilter;
import io.hooknet.sockets.Route;
import io.hooknet.sockets.SocketPoolOptions;
import io.hooknet.sockets.SwitchedPacket;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Channel data switching between the same-named pools of the cluster's nodes, over the pool's {@link Links}: the
 * destination filter picks where a packet goes, the links carry it (in order per sender, with credit-based flow
 * control per channel), and a packet another node sent is written here to the socket on its channel, or dropped
 * and counted. {@code sendSync} asks each destination for an acknowledgement with the outcome.
 */
final class Switch implements Links.Owner<Datafd> {

  /** What the switch asks of its pool: whether it takes packets, the socket on a channel, a link's status. */
  interface Sockets {
    /** Whether packets from other nodes are taken now. */
    boolean forwarding();

    /** The socket on {@code channel}, or null when there is none. */
    Datafd socketAt(int channel);

    /** The link to node {@code remote} went up, with its round trip in microseconds, or down. */
    void linkStatus(String remote, boolean up, long latencyMicros);
  }

  private final String thisNode;
  private final String pool;
  private final PoolCounters counters;
  private final Sockets sockets;
  private final Supplier<Collection<String>> members;
  private final Links<Datafd> links;
  private DestinationFilter filter = (packet, txRx, thisNode, sourceNode) -> Route.broadcast();
  private Handler<SwitchedPacket> switchedPackets;

  /** The switch of pool {@code options.getName()} on node {@code thisNode}. */
  Switch(Vertx vertx, String thisNode, PoolCounters counters, Sockets sockets, Supplier<Collection<String>> members,
      EventBusOptions eventBus, SocketPoolOptions options) {
    this.thisNode = thisNode;
    this.pool = options.getName();
    this.counters = counters;
    this.sockets = sockets;
    this.members = members;
    this.links = new Links<>(vertx, thisNode, pool, eventBus, options.getSendWindow(),
        options.getLinkHeartbeatMillis(), options.getLinkTimeoutMillis(), options.getSendTimeoutMillis(), members,
        this);
  }

  Future<Void> start() {
    return links.start();
  }

  Future<Void> stop() {
    return links.stop();
  }

  /** Opens the links to the other members, or closes them. */
  void forwarding(boolean on) {
    links.open(on);
  }

  Links<Datafd> links() {
    return links;
  }

  void switchedPacketHandler(Handler<SwitchedPacket> handler) {
    this.switchedPackets = handler;
  }

  void filter(DestinationFilter filter) {
    this.filter = filter != null ? filter : (packet, txRx, thisNode, sourceNode) -> Route.broadcast();
  }

  /**
   * Sends a packet read on {@code channel} (from {@code source}, or from a Java caller when null) to the nodes
   * the filter picks. With {@code sync}, one future per destination with its outcome; otherwise none.
   */
  List<Future<Delivery>> forward(Datafd source, int channel, Buffer payload, boolean sync) {
    Route route = filter.route(payload, SockEvent.TX, thisNode, thisNode);
    if (route.isDrop()) {
      counters.dropped(channel, DropReason.FILTERED);
      return List.of();
    }
    Collection<String> known = members.get();
    List<String> targets = new ArrayList<>();
    if (route.isBroadcast()) {
      known.stream().filter(node -> !node.equals(thisNode)).forEach(targets::add);
    } else {
      targets.addAll(route.nodes());
    }
    int target = route.channel() >= 0 ? route.channel() : channel;
    List<Future<Delivery>> deliveries = sync ? new ArrayList<>(targets.size()) : List.of();
    for (String node : targets) {
      if (!known.contains(node) || node.equals(thisNode)) {
        counters.dropped(channel, DropReason.UNREACHABLE);
        if (sync) {
          deliveries.add(Future.succeededFuture(new Delivery(node, Errno.EHOSTDOWN.number())));
        }
        continue;
      }
      Future<Integer> answer = links.send(node, target, payload, source, sync);
      if (sync) {
        deliveries.add(answer.map(errno -> new Delivery(node, errno)));
      }
    }
    return deliveries;
  }

  @Override
  public Future<Void> deliver(int channel, Buffer payload, String sourceNode) {
    if (!sockets.forwarding()) {
      counters.dropped(channel, DropReason.FWD_OFF);
      return Future.failedFuture(HooknetException.outcome(Errno.ECANCELED, "pool '" + pool + "' on node '"
          + thisNode + "' does not forward", null));
    }
    Route route = filter.route(payload, SockEvent.RX, thisNode, sourceNode);
    if (route.isDrop()) {
      counters.dropped(channel, DropReason.FILTERED);
      return Future.failedFuture(HooknetException.outcome(Errno.ECANCELED, "the destination filter of pool '"
          + pool + "' on node '" + thisNode + "' dropped it", null));
    }
    int target = route.channel() >= 0 ? route.channel() : channel;
    if (switchedPackets != null) {
      // The payload may be the network buffer it arrived in, reused once written: the handler gets its own copy.
      tell(new SwitchedPacket(sourceNode, target, payload.copy()));
    }
    Datafd socket = sockets.socketAt(target);
    if (socket == null) {
      counters.dropped(channel, DropReason.NO_SOCKET);
      return Future.failedFuture(HooknetException.outcome(Errno.ENXIO, "pool '" + pool + "' on node '"
          + thisNode + "' has no socket on channel " + target, null));
    }
    return socket.write(payload);
  }

  @Override
  public void hold(Datafd source, boolean held) {
    source.hold(held);
  }

  @Override
  public void unreachable(int channel, long packets) {
    counters.dropped(channel, DropReason.UNREACHABLE, packets);
  }

  @Override
  public void status(String remote, boolean up, long latencyMicros) {
    sockets.linkStatus(remote, up, latencyMicros);
  }

  private void tell(SwitchedPacket packet) {
    Handlers.tell(switchedPackets, packet, "switched-packet", pool, thisNode);
  }
}
