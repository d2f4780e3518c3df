package io.hooknet.sockets.impl;

import io.hooknet.cluster.PublishRoutes;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Json;
import io.hooknet.codec.LinkEvent;
import io.hooknet.codec.PoolCommand.Endpoint;
import io.hooknet.codec.Replies.EndpointInfo;
import io.hooknet.codec.Replies.PoolStats;
import io.hooknet.codec.Replies.SocketInfo;
import io.hooknet.codec.SockEvent;
import io.hooknet.sockets.Delivery;
import io.hooknet.sockets.DestinationFilter;
import io.hooknet.sockets.SocketPool;
import io.hooknet.sockets.SocketPoolOptions;
import io.hooknet.sockets.SwitchedPacket;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A pool on one event loop. Every field is touched on that loop only, so there is no lock to hold while the
 * sock-notify handler runs, and the handler can add, remove or replace sockets in place. Calls from other
 * threads are moved onto the loop.
 */
public final class SocketPoolImpl implements SocketPool, Datafd.Events, Switch.Sockets {

  static final Logger LOG = Logger.getLogger(SocketPool.class.getName());

  private final Vertx vertx;
  private final PoolLoop loop;
  private final String nodeName;
  private final SocketPoolOptions options;
  private final DatafdTable<Object, Datafd> table;
  private final PoolCounters counters;
  private final Datafd.Ties ties;
  private final Switch fabric;
  private final EventPublisher sockEvents;
  /** The routes of the events this pool publishes, kept from {@link #start}. */
  private volatile PublishRoutes routes;
  private Handler<SockEvent> handler;
  private boolean forwarding;
  private boolean closed;
  private long seq;
  private long linkSeq;
  private Handler<LinkEvent> linkHandler;

  /**
   * Makes a pool whose event loop is the calling one.
   *
   * @param members the names of the cluster's nodes, this one included, as they are now
   */
  public SocketPoolImpl(Vertx vertx, String nodeName, SocketPoolOptions options,
      Supplier<Collection<String>> members) {
    this(vertx, nodeName, options, members, new EventBusOptions().setHost("127.0.0.1"));
  }

  /**
   * Makes a pool whose event loop is the calling one, whose links to the other members' pools listen on the host
   * of the node's event bus, {@code eventBus}, and take its TLS settings.
   */
  public SocketPoolImpl(Vertx vertx, String nodeName, SocketPoolOptions options,
      Supplier<Collection<String>> members, EventBusOptions eventBus) {
    this.vertx = vertx;
    this.loop = new PoolLoop(vertx);
    this.nodeName = nodeName;
    this.options = new SocketPoolOptions(options).validate();
    this.table = new DatafdTable<>(options.getMaxChannels());
    this.counters = new PoolCounters(this.options.getName());
    this.ties = new Datafd.Ties(vertx, loop, counters, this);
    this.fabric = new Switch(vertx, nodeName, counters, this, members, eventBus, this.options);
    this.sockEvents = new EventPublisher(vertx.eventBus(), SOCK_EVENTS,
        "hooknet-pool-" + this.options.getName() + "-events");
  }

  /** Starts taking channel data from other nodes. */
  public Future<Void> start() {
    routes = PublishRoutes.keep(vertx, SOCK_EVENTS, LINK_EVENTS);
    return fabric.start();
  }

  @Override
  public String name() {
    return options.getName();
  }

  @Override
  public String nodeName() {
    return nodeName;
  }

  @Override
  public int maxChannels() {
    return options.getMaxChannels();
  }

  @Override
  public Future<Void> sockNotifyHandler(Handler<SockEvent> handler) {
    return call(() -> {
      if (handler == null) {
        throw new HooknetException(Errno.EINVAL, "the sock-notify handler must not be null");
      }
      this.handler = handler;
      return null;
    });
  }

  @Override
  public Future<SocketInfo> add(NetSocket socket, int channel) {
    return call(() -> start(socket, channel, (datafd, slot) -> new StreamDatafd(ties, datafd, slot, socket)));
  }

  @Override
  public Future<SocketInfo> add(DatagramSocket socket, SocketAddress peer, int channel) {
    return call(() -> {
      requirePeer(peer);
      return start(socket, channel, (datafd, slot) -> new DatagramDatafd(ties, datafd, slot, socket, peer));
    });
  }

  @Override
  public Future<SocketInfo> replace(int channel, NetSocket socket) {
    return call(() -> swap(channel, socket, datafd -> new StreamDatafd(ties, datafd, channel, socket)));
  }

  @Override
  public Future<SocketInfo> replace(int channel, DatagramSocket socket, SocketAddress peer) {
    return call(() -> {
      requirePeer(peer);
      return swap(channel, socket, datafd -> new DatagramDatafd(ties, datafd, channel, socket, peer));
    });
  }

  @Override
  public Future<EndpointInfo> addEndpoint(Endpoint kind, int channel) {
    return callAsync(() -> {
      if (kind == null) {
        throw new HooknetException(Errno.EINVAL, "no endpoint kind given (unix or tcp)");
      }
      requireReady();
      EndpointDatafd endpoint = (EndpointDatafd) table.addOwn(channel, (datafd, slot) ->
          new EndpointDatafd(ties, datafd, slot, kind, kind == Endpoint.UNIX ? endpointPath(datafd) : null));
      return endpoint.listen()
          .map(address -> new EndpointInfo(endpoint.datafd(), endpoint.channel(), address))
          .recover(failure -> {
            loop.run(() -> forget(endpoint.datafd()));
            return Future.failedFuture(HooknetException.of(Errno.EIO, "cannot open a %s endpoint: %s",
                endpoint.kind(), failure.getMessage()));
          });
    });
  }

  @Override
  public Future<Void> remove(long datafd) {
    return call(() -> {
      requireOpen();
      table.remove(datafd).release();
      return null;
    });
  }

  @Override
  public Future<SocketInfo> get(int channel) {
    return call(() -> open().byChannel(channel).info());
  }

  @Override
  public Future<SocketInfo> channelOf(long datafd) {
    return call(() -> open().byDatafd(datafd).info());
  }

  @Override
  public Future<List<SocketInfo>> list() {
    return call(() -> {
      List<SocketInfo> infos = new ArrayList<>();
      open().entries().forEach(entry -> infos.add(entry.info()));
      return infos;
    });
  }

  @Override
  public Future<PoolStats> stats() {
    return call(() -> {
      requireOpen();
      return new PoolStats(nodeName, name(), counters.stats());
    });
  }

  @Override
  public Future<Void> deliver(int channel, Buffer packet) {
    return callAsync(() -> {
      requireOpen();
      if (packet.length() > MAX_PACKET_SIZE) {
        counters.dropped(channel, DropReason.OVERSIZED);
        throw HooknetException.of(Errno.EMSGSIZE, "a packet of %d bytes is over the limit of %d",
            packet.length(), MAX_PACKET_SIZE);
      }
      return table.byChannel(channel).write(packet);
    });
  }

  @Override
  public Future<Void> destinationFilter(DestinationFilter filter) {
    return call(() -> {
      requireOpen();
      fabric.filter(filter);
      return null;
    });
  }

  @Override
  public String linkAddress() {
    return fabric.links().address();
  }

  @Override
  public Future<Void> linkStatusHandler(Handler<LinkEvent> handler) {
    return call(() -> {
      requireOpen();
      linkHandler = handler;
      return null;
    });
  }

  @Override
  public Future<Void> switchedPacketHandler(Handler<SwitchedPacket> handler) {
    return call(() -> {
      requireOpen();
      fabric.switchedPacketHandler(handler);
      return null;
    });
  }

  @Override
  public Future<Void> send(int channel, Buffer packet) {
    return call(() -> {
      fabric.forward(null, requireSendable(channel, packet), packet, false);
      return null;
    });
  }

  @Override
  public Future<List<Delivery>> sendSync(int channel, Buffer packet) {
    return callAsync(() -> {
      List<Future<Delivery>> deliveries = fabric.forward(null, requireSendable(channel, packet), packet, true);
      return Future.all(deliveries).map(all -> all.<Delivery>list());
    });
  }

  private int requireSendable(int channel, Buffer packet) {
    requireOpen();
    if (!forwarding) {
      throw HooknetException.of(Errno.ECANCELED, "pool '%s' on node '%s' does not forward; call setFwd(true) first",
          name(), nodeName);
    }
    if (packet.length() > MAX_PACKET_SIZE) {
      throw HooknetException.of(Errno.EMSGSIZE, "a packet of %d bytes is over the limit of %d",
          packet.length(), MAX_PACKET_SIZE);
    }
    if (channel < 0 || channel >= maxChannels()) {
      throw HooknetException.of(Errno.EINVAL, "channel %d is out of range 0-%d", channel, maxChannels() - 1);
    }
    return channel;
  }

  @Override
  public Future<Void> setFwd(boolean enabled) {
    return call(() -> {
      requireOpen();
      forwarding = enabled;
      fabric.forwarding(enabled);
      return null;
    });
  }

  @Override
  public Future<Long> lastSeq() {
    return call(() -> seq);
  }

  @Override
  public Future<Void> close() {
    return call(() -> {
      if (!closed) {
        closed = true;
        table.entries().forEach(entry -> forget(entry.datafd()));
      }
      return null;
    }).compose(done -> fabric.stop()).eventually(() -> routes == null ? Future.succeededFuture()
        : routes.release());
  }

  /**
   * A packet the application wrote into a pool socket. It is counted; carrying it to other nodes is the job
   * of data switching, which {@link #setFwd} turns on.
   */
  @Override
  public void packetRead(Datafd source, Buffer packet) {
    counters.read(source.channel(), packet.length());
    if (forwarding) {
      fabric.forward(source, source.channel(), packet, false);
    }
  }

  /** Whether packets from other nodes are taken: the pool is open and forwards. */
  @Override
  public boolean forwarding() {
    return forwarding && !closed;
  }

  /** The socket on {@code channel}, or null when there is none. */
  @Override
  public Datafd socketAt(int channel) {
    return table.atChannel(channel);
  }

  /**
   * The link to node {@code remote} went up, with its round trip in microseconds, or down: published first, then
   * handed to the link-status handler.
   */
  @Override
  public void linkStatus(String remote, boolean up, long latencyMicros) {
    LinkEvent event = new LinkEvent(nodeName, name(), remote, up ? LinkEvent.Status.UP : LinkEvent.Status.DOWN,
        up ? latencyMicros : 0, ++linkSeq, nowMicros());
    LOG.info(() -> "pool '" + name() + "' on node " + nodeName + ": the link to " + remote + " is "
        + (up ? "up, round trip " + latencyMicros + " us" : "down"));
    vertx.eventBus().publish(LINK_EVENTS, Json.toJson(event));
    Handlers.tell(linkHandler, event, "link-status", name(), nodeName);
  }

  /** Reports a fault: published first, so that a handler that throws cannot hide it, then handed over. */
  @Override
  public void fault(Datafd source, int txRx, int error, int errno, long dropped) {
    counters.faulted(source.channel(), txRx, errno);
    SockEvent event = SockEvent.of(nodeName, name(), source.datafd(), source.channel(), txRx, error, errno,
        dropped, ++seq, nowMicros());
    sockEvents.publish(Json.toJson(event));
    Handlers.tell(handler, event, "sock-notify", name(), nodeName);
  }

  private SocketInfo start(Object socket, int channel, DatafdTable.Maker<Datafd> factory) {
    requireReady();
    return watch(table.add(socket, channel, factory));
  }

  private SocketInfo swap(int channel, Object socket, LongFunction<Datafd> factory) {
    requireReady();
    Datafd old = table.byChannel(channel);
    Datafd replacing = table.replace(channel, socket, (datafd, slot) -> factory.apply(datafd));
    old.release();
    return watch(replacing);
  }

  private SocketInfo watch(Datafd datafd) {
    datafd.start();
    return datafd.info();
  }

  private void forget(long datafd) {
    if (table.contains(datafd)) {
      table.remove(datafd).release();
    }
  }

  private static void requirePeer(SocketAddress peer) {
    if (peer == null) {
      throw new HooknetException(Errno.EINVAL, "a datagram socket needs the peer its packets go to");
    }
  }

  private Path endpointPath(long datafd) {
    return Path.of(options.getEndpointDir(), nodeName + "." + name() + "." + datafd + ".sock");
  }

  private DatafdTable<Object, Datafd> open() {
    requireOpen();
    return table;
  }

  private void requireOpen() {
    if (closed) {
      throw HooknetException.of(Errno.ESHUTDOWN, "pool '%s' on node '%s' is closed", name(), nodeName);
    }
  }

  private void requireReady() {
    requireOpen();
    if (handler == null) {
      throw HooknetException.of(Errno.EINVAL,
          "pool '%s' has no sock-notify handler; set one before adding sockets", name());
    }
  }

  private <T> Future<T> call(Supplier<T> action) {
    return loop.call(action);
  }

  private <T> Future<T> callAsync(Supplier<Future<T>> action) {
    return loop.callAsync(action);
  }

  private static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
