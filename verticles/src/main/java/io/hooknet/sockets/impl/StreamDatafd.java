package io.hooknet.sockets.impl;

import io.hooknet.codec.FrameDecoder;
import io.hooknet.sockets.SocketPool;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.net.InetSocketAddress;

/**
 * A TCP or Unix domain stream. A socket the application added is read as a byte stream, each read being a
 * packet, and left open on removal; an accepted endpoint connection is framed and closed on removal.
 *
 * <p>It is the handler of its socket's data, failures and end of read itself, all three ({@link #handle}), so that
 * watching a socket costs no object beside this one: a pool may watch a hundred thousand.
 */
class StreamDatafd extends Datafd implements Handler<Object> {

  private final boolean owned;
  private final FrameDecoder decoder;
  private NetSocket socket;

  StreamDatafd(Ties ties, long datafd, int channel, NetSocket socket) {
    this(ties, datafd, channel, socket, false);
  }

  protected StreamDatafd(Ties ties, long datafd, int channel, NetSocket socket, boolean endpoint) {
    super(ties, datafd, channel);
    this.socket = socket;
    this.owned = endpoint;
    this.decoder = endpoint ? new FrameDecoder(SocketPool.MAX_PACKET_SIZE, this::packetRead,
        this::oversized) : null;
  }

  @Override
  public Object socket() {
    return owned ? null : socket;
  }

  @Override
  String kind() {
    return socket != null && isDomainSocket(socket) ? "unix" : "tcp";
  }

  /**
   * Whether {@code socket} is a Unix domain one, asked of its channel: Vert.x's own answer makes and keeps an
   * address object (and its host text) for every socket asked.
   */
  private static boolean isDomainSocket(NetSocket socket) {
    if (socket instanceof NetSocketInternal internal) {
      return !(internal.channelHandlerContext().channel().remoteAddress() instanceof InetSocketAddress);
    }
    return socket.remoteAddress() != null && socket.remoteAddress().isDomainSocket();
  }

  @Override
  void start() {
    if (socket != null) {
      watch(socket);
    }
  }

  protected final void watch(NetSocket accepted) {
    socket = accepted;
    accepted.handler(asHandler());
    accepted.exceptionHandler(asHandler());
    accepted.endHandler(asHandler());
    accepted.resume();
  }

  /** What the socket tells: data, a failure, or (null) its end of read. */
  @Override
  public void handle(Object event) {
    if (event instanceof Buffer data) {
      ties.loop().run(() -> read(data));
    } else if (event instanceof Throwable failure) {
      ties.loop().run(() -> readFailed(failure));
    } else {
      ties.loop().run(this::endOfRead);
    }
  }

  @SuppressWarnings("unchecked")
  private <T> Handler<T> asHandler() {
    return (Handler<T>) (Handler<?>) this;
  }

  @Override
  protected final boolean connected() {
    return socket != null;
  }

  private void read(Buffer data) {
    if (decoder != null) {
      decoder.feed(data);
      return;
    }
    if (data.length() <= SocketPool.MAX_PACKET_SIZE) {
      // The read is the socket's own buffer, which Vert.x hands over: the packet, as it is.
      packetRead(data);
      return;
    }
    for (int from = 0; from < data.length(); from += SocketPool.MAX_PACKET_SIZE) {
      packetRead(data.getBuffer(from, Math.min(data.length(), from + SocketPool.MAX_PACKET_SIZE)));
    }
  }

  @Override
  protected void stopReading() {
    if (socket != null) {
      socket.pause();
      socket.handler(null);
    }
  }

  @Override
  protected void close() {
    if (socket == null) {
      return;
    }
    socket.handler(null);
    socket.exceptionHandler(null);
    socket.endHandler(null);
    if (owned) {
      socket.close();
    }
  }

  @Override
  protected Future<Void> send(Buffer packet) {
    if (decoder == null) {
      return socket.write(packet);
    }
    return ((NetSocketInternal) socket).writeMessage(
        FrameDecoder.frameDirect(((BufferInternal) packet).getByteBuf()));
  }

  @Override
  protected boolean canPause() {
    return true;
  }

  @Override
  protected void pauseReading(boolean paused) {
    if (socket == null) {
      return;
    }
    if (paused) {
      socket.pause();
    } else {
      socket.resume();
    }
  }

  @Override
  protected boolean survivesWriteError() {
    return false;
  }
}
