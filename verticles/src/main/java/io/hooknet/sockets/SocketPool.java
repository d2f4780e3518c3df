package io.hooknet.sockets;

import io.hooknet.codec.Errno;
import io.hooknet.codec.LinkEvent;
import io.hooknet.codec.PoolCommand;
import io.hooknet.codec.Replies.EndpointInfo;
import io.hooknet.codec.Replies.PoolStats;
import io.hooknet.codec.Replies.SocketInfo;
import io.hooknet.codec.SockEvent;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * A datafd pool: sockets on numbered channels, watched on one event loop, whose faults reach a
 * sock-notify handler and every node ({@code knet_handle_add_datafd(3)},
 * {@code knet_handle_enable_sock_notify(3)}).
 *
 * <h2>Faults</h2>
 * A fault is reported as a {@link SockEvent} {@code (datafd, channel, txRx, error, errno)}, first published on
 * {@value #SOCK_EVENTS} and then given to the handler:
 * <ul>
 *   <li>end of read: {@code (TX, 0, 0)}, once. A 0-byte datagram counts as an end of read, as in libknet.</li>
 *   <li>read error: {@code (TX, -1, errno)}, once, after the socket has left polling.</li>
 *   <li>write error: {@code (RX, -1, errno)}; the packet is dropped. A stream whose write failed is closed by
 *       the transport, so it is quarantined without a second event.</li>
 * </ul>
 * After an end of read or a read error the socket is quarantined: it stays in the pool ({@link #get} still
 * answers, with state {@code error}) but is neither read nor written until the handler removes or replaces it.
 *
 * <h2>Threads</h2>
 * The handler runs on the pool's event loop with no lock held. Methods called on that event loop, the
 * handler included, take effect before they return and return a completed future; from elsewhere they run on
 * the event loop and complete later, on the caller's context.
 *
 * <h2>Errors</h2>
 * Futures fail with {@link io.hooknet.codec.HooknetException}: a channel out of range or an unknown datafd is
 * {@code EINVAL}, a busy channel or a full pool {@code EBUSY}, the same socket twice {@code EEXIST}, a packet
 * over {@value #MAX_PACKET_SIZE} bytes {@code EMSGSIZE}, any call on a closed pool {@code ESHUTDOWN}.
 */
public interface SocketPool {

  /** Where every pool of every node publishes its {@link SockEvent}s. */
  String SOCK_EVENTS = "hooknet.sock.events";

  /** Where every pool of every node publishes its {@link LinkEvent}s. */
  String LINK_EVENTS = "hooknet.link.events";

  /** {@code KNET_MAX_PACKET_SIZE}: the largest packet a pool reads or writes. */
  int MAX_PACKET_SIZE = 65_536;

  /**
   * corosync's sock-notify handler, the reference user of libknet's: it removes the socket on an end of read
   * and on any error but {@code EAGAIN}, which it ignores.
   */
  static Handler<SockEvent> removeOnFault(SocketPool pool) {
    return event -> {
      if (event.endOfRead() || event.errno() != Errno.EAGAIN.number()) {
        pool.remove(event.datafd());
      }
    };
  }

  /** The event bus address of a node's pool commands: {@code hooknet.pool.<nodeName>.cmd}. */
  static String commandAddress(String nodeName) {
    return "hooknet.pool." + nodeName + ".cmd";
  }

  String name();

  String nodeName();

  int maxChannels();

  /**
   * Sets the sock-notify handler, replacing any previous one ({@code knet_handle_enable_sock_notify}).
   * {@code null} is {@code EINVAL}. A handler that throws is logged and the pool carries on.
   */
  Future<Void> sockNotifyHandler(Handler<SockEvent> handler);

  /**
   * Adds a connected TCP or Unix domain socket on {@code channel}, -1 for the lowest free one. The pool reads
   * it as a byte stream (each read is a packet) and does not close it on {@link #remove}.
   */
  Future<SocketInfo> add(NetSocket socket, int channel);

  /**
   * Adds a bound datagram socket on {@code channel}, -1 for the lowest free one. Each datagram read is a packet;
   * packets the pool writes go to {@code peer}.
   */
  Future<SocketInfo> add(DatagramSocket socket, SocketAddress peer, int channel);

  /**
   * Creates a socket for a local process in any language, the analogue of the socketpair libknet makes for
   * {@code datafd == 0}: the pool listens on a Unix domain socket path or a {@code 127.0.0.1} port, accepts
   * exactly one connection and carries packets framed as a 4-byte big-endian length and the payload. The
   * channel is taken at once; the future completes when the endpoint listens, with its address.
   */
  Future<EndpointInfo> addEndpoint(PoolCommand.Endpoint kind, int channel);

  /** Puts {@code socket} on a busy {@code channel} in place of its socket in one step; the channel is never free. */
  Future<SocketInfo> replace(int channel, NetSocket socket);

  /** Like {@link #replace(int, NetSocket)} for a datagram socket writing to {@code peer}. */
  Future<SocketInfo> replace(int channel, DatagramSocket socket, SocketAddress peer);

  /**
   * Removes a socket ({@code knet_handle_remove_datafd}). The pool stops watching it; it closes only the
   * sockets it created.
   */
  Future<Void> remove(long datafd);

  /** The socket on a channel ({@code knet_handle_get_datafd}). */
  Future<SocketInfo> get(int channel);

  /** The socket with a datafd ({@code knet_handle_get_channel}). */
  Future<SocketInfo> channelOf(long datafd);

  /** Every socket, by datafd. */
  Future<List<SocketInfo>> list();

  /** Counters per channel ({@code knet_handle_get_stats}). */
  Future<PoolStats> stats();

  /**
   * Writes a packet to the application's socket on {@code channel}, as the pool does with data arriving from
   * another node. A write failure is reported as {@code (RX, -1, errno)} and fails the future.
   */
  Future<Void> deliver(int channel, Buffer packet);

  /**
   * Sets the filter that picks where channel data goes ({@code knet_handle_enable_filter}); null restores the
   * default, a broadcast to every other node.
   */
  Future<Void> destinationFilter(DestinationFilter filter);

  /**
   * Sends a packet on {@code channel} to the nodes the filter picks, as if read from a socket on that channel
   * ({@code knet_send}); the future completes once it is queued. Fails with {@code ECANCELED} when the pool does
   * not forward, {@code EMSGSIZE} over {@value #MAX_PACKET_SIZE} bytes, {@code EINVAL} for a channel out of
   * range.
   */
  Future<Void> send(int channel, Buffer packet);

  /**
   * Like {@link #send}, and completes once every destination has answered, with what became of the packet at
   * each ({@code knet_send_sync}).
   */
  Future<List<Delivery>> sendSync(int channel, Buffer packet);

  /**
   * Sets a handler told of every packet that arrives from another node, with its source node (libknet's
   * {@code RX_RETURN_INFO}), before it is written to the socket on its channel; null removes it. It runs on the
   * pool's event loop and must not block; a handler that throws is logged.
   */
  Future<Void> switchedPacketHandler(Handler<SwitchedPacket> handler);

  /**
   * Sets a handler told each time the pool's link to another node goes up or down
   * ({@code knet_link_enable_status_change_notify}); null removes it. Each event is first published on
   * {@value #LINK_EVENTS}. The pool keeps a link to every other member while it forwards ({@link #setFwd}); it
   * runs on the pool's event loop and must not block; a handler that throws is logged.
   */
  Future<Void> linkStatusHandler(Handler<LinkEvent> handler);

  /**
   * Where the links from the other members' pools of this name come in: {@code host:port} on the node's cluster
   * host, with {@code "tls "} in front when they speak TLS (as the node's event bus does).
   */
  String linkAddress();

  /**
   * Turns switching of channel data between nodes on or off ({@code knet_handle_setfwd}); off at first. With it
   * on, every packet read from a socket on channel C goes to channel C of the same-named pool on every other
   * node (or where the {@link #destinationFilter} sends it), and packets from other nodes are written to this
   * pool's socket on their channel. A pool with it off drops what other nodes send it.
   */
  Future<Void> setFwd(boolean enabled);

  /** The sequence number of the last event this pool published, 0 before the first. */
  Future<Long> lastSeq();

  /** Stops watching every socket, closes the ones the pool created and refuses further calls. */
  Future<Void> close();
}
