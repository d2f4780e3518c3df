package io.hooknet.sockets.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.SockEvent;
import io.hooknet.sockets.Delivery;
import io.hooknet.sockets.DestinationFilter;
import io.hooknet.sockets.Route;
import io.hooknet.sockets.SwitchedPacket;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * Channel data switching between the same-named pools of the cluster's nodes, with the event bus as the link.
 *
 * <p>A packet travels as one request to {@code hooknet.pool.<node>.<pool>.data}: a 4-byte channel, the source
 * node's name (2-byte length, UTF-8), then the payload. The receiver answers once the packet is written to its
 * socket (or dropped) with an errno, 0 for written. Those answers are the flow control: a socket whose packets
 * have {@code window} answers outstanding stops being read until half of them are in, so a slow receiver pushes
 * back on the application writing into the sender's socket instead of filling memory. A sender's packets to a
 * node go over one event bus connection from one event loop, so they arrive in the order they were read.
 */
final class Switch {

  private final SocketPoolImpl pool;
  private final EventBus bus;
  private final Supplier<Collection<String>> members;
  private final int window;
  private final DeliveryOptions options;
  private DestinationFilter filter = (packet, txRx, thisNode, sourceNode) -> Route.broadcast();
  private MessageConsumer<Buffer> consumer;
  private Handler<SwitchedPacket> switchedPackets;
  /** The source-name part of every message this node sends: the same for each packet, so made once. */
  private final byte[] sourceName;
  private final Map<String, String> addresses = new HashMap<>();

  Switch(SocketPoolImpl pool, Supplier<Collection<String>> members, int window, long timeoutMillis) {
    this.pool = pool;
    this.bus = pool.vertx().eventBus();
    this.members = members;
    this.window = window;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMillis);
    this.sourceName = pool.nodeName().getBytes(StandardCharsets.UTF_8);
  }

  static String dataAddress(String node, String pool) {
    return "hooknet.pool." + node + "." + pool + ".data";
  }

  Future<Void> start() {
    consumer = bus.consumer(dataAddress(pool.nodeName(), pool.name()), this::receive);
    return consumer.completion();
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  void switchedPacketHandler(Handler<SwitchedPacket> handler) {
    this.switchedPackets = handler;
  }

  void filter(DestinationFilter filter) {
    this.filter = filter != null ? filter : (packet, txRx, thisNode, sourceNode) -> Route.broadcast();
  }

  /**
   * Sends a packet read on {@code channel} (from {@code source}, or from a Java caller when null) to the nodes
   * the filter picks; one future per destination.
   */
  List<Future<Delivery>> forward(Datafd source, int channel, Buffer payload) {
    Route route = filter.route(payload, SockEvent.TX, pool.nodeName(), pool.nodeName());
    if (route.isDrop()) {
      pool.dropped(channel, DropReason.FILTERED);
      return List.of();
    }
    Collection<String> known = members.get();
    List<String> targets = new ArrayList<>();
    if (route.isBroadcast()) {
      known.stream().filter(node -> !node.equals(pool.nodeName())).forEach(targets::add);
    } else {
      targets.addAll(route.nodes());
    }
    Buffer message = encode(route.channel() >= 0 ? route.channel() : channel, payload);
    List<Future<Delivery>> deliveries = new ArrayList<>(targets.size());
    for (String node : targets) {
      if (!known.contains(node) || node.equals(pool.nodeName())) {
        pool.dropped(channel, DropReason.UNREACHABLE);
        deliveries.add(Future.succeededFuture(new Delivery(node, Errno.EHOSTDOWN.number())));
      } else {
        deliveries.add(request(source, channel, node, message));
      }
    }
    return deliveries;
  }

  private Future<Delivery> request(Datafd source, int channel, String node, Buffer message) {
    if (source != null && source.sent() >= window) {
      source.throttle(true);
    }
    String address = addresses.computeIfAbsent(node, name -> dataAddress(name, pool.name()));
    return bus.<Integer>request(address, message, options)
        .map(reply -> new Delivery(node, reply.body()))
        .otherwise(failure -> {
          pool.onLoop(() -> pool.dropped(channel, DropReason.UNREACHABLE));
          return new Delivery(node, HooknetException.from(failure).errno());
        })
        .onComplete(done -> pool.onLoop(() -> {
          if (source != null && source.answered() <= window / 2) {
            source.throttle(false);
          }
        }));
  }

  private void receive(Message<Buffer> message) {
    Buffer body = message.body();
    int channel = body.getInt(0);
    int nameLength = body.getUnsignedShort(4);
    String sourceNode = body.getString(6, 6 + nameLength, StandardCharsets.UTF_8.name());
    Buffer payload = body.getBuffer(6 + nameLength, body.length());
    deliver(channel, payload, sourceNode).onComplete(written ->
        message.reply(written.succeeded() ? 0 : HooknetException.from(written.cause()).errno()));
  }

  /**
   * A packet another node read on {@code channel}: written to this pool's socket on that channel (or the one
   * the filter picks), or dropped and counted.
   */
  private Future<Void> deliver(int channel, Buffer payload, String sourceNode) {
    if (!pool.forwarding()) {
      pool.dropped(channel, DropReason.FWD_OFF);
      return Future.failedFuture(HooknetException.of(Errno.ECANCELED, "pool '%s' on node '%s' does not forward",
          pool.name(), pool.nodeName()));
    }
    Route route = filter.route(payload, SockEvent.RX, pool.nodeName(), sourceNode);
    if (route.isDrop()) {
      pool.dropped(channel, DropReason.FILTERED);
      return Future.failedFuture(HooknetException.of(Errno.ECANCELED, "the destination filter of pool '%s' on "
          + "node '%s' dropped it", pool.name(), pool.nodeName()));
    }
    int target = route.channel() >= 0 ? route.channel() : channel;
    tell(new SwitchedPacket(sourceNode, target, payload));
    Datafd socket = pool.socketAt(target);
    if (socket == null) {
      pool.dropped(channel, DropReason.NO_SOCKET);
      return Future.failedFuture(HooknetException.of(Errno.ENXIO, "pool '%s' on node '%s' has no socket on "
          + "channel %d", pool.name(), pool.nodeName(), target));
    }
    return socket.write(payload);
  }

  private void tell(SwitchedPacket packet) {
    Handler<SwitchedPacket> current = switchedPackets;
    if (current == null) {
      return;
    }
    try {
      current.handle(packet);
    } catch (RuntimeException e) {
      SocketPoolImpl.LOG.log(Level.WARNING, e, () -> "the switched-packet handler of pool '" + pool.name()
          + "' threw; the pool carries on");
    }
  }

  private Buffer encode(int channel, Buffer payload) {
    return Buffer.buffer(6 + sourceName.length + payload.length()).appendInt(channel)
        .appendUnsignedShort(sourceName.length).appendBytes(sourceName).appendBuffer(payload);
  }
}
