package io.hooknet.sockets.impl;

import io.hooknet.codec.FrameDecoder;
import io.hooknet.sockets.SocketPool;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.net.InetSocketAddress;

/**
 * A TCP or Unix domain stream. A socket the application added is read as a byte stream, each read being a
 * packet, and left open on removal; an accepted endpoint connection is framed and closed on removal. An endpoint's
 * frames are split in its connection's pipeline ({@link #framePackets}) and come as the network buffers they were
 * read into, so that a packet goes on to the links without a copy.
 *
 * <p>It is the handler of its socket's data, failures and end of read itself, all three ({@link #handle}), so that
 * watching a socket costs no object beside this one: a pool may watch a hundred thousand.
 */
class StreamDatafd extends Datafd implements Handler<Object> {

  private static final String SPLITTER = "hooknet-packets";
  private final boolean owned;
  private NetSocket socket;

  StreamDatafd(Ties ties, long datafd, int channel, NetSocket socket) {
    this(ties, datafd, channel, socket, false);
  }

  protected StreamDatafd(Ties ties, long datafd, int channel, NetSocket socket, boolean endpoint) {
    super(ties, datafd, channel);
    this.socket = socket;
    this.owned = endpoint;
  }

  /**
   * Has an endpoint connection's frames split in its pipeline, before it reads anything: called as it is accepted.
   */
  static void framePackets(NetSocket accepted) {
    ((NetSocketInternal) accepted).channelHandlerContext().pipeline().addBefore("handler", SPLITTER,
        FrameDecoder.splitter(SocketPool.MAX_PACKET_SIZE, true));
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
    if (owned) {
      ((NetSocketInternal) accepted).messageHandler(asHandler());
    } else {
      accepted.handler(asHandler());
    }
    accepted.exceptionHandler(asHandler());
    accepted.endHandler(asHandler());
    accepted.resume();
  }

  /** What the socket tells: data, an endpoint's packet, a failure, or (null) its end of read. */
  @Override
  public void handle(Object event) {
    if (event instanceof Buffer data) {
      ties.loop().run(() -> read(data));
    } else if (event instanceof ByteBuf packet) {
      ties.loop().run(() -> {
        try {
          packetRead(BufferInternal.buffer(packet));
        } finally {
          packet.release();
        }
      });
    } else if (event instanceof FrameDecoder.Oversized skipped) {
      ties.loop().run(() -> oversized(skipped.length()));
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
      unwatchData();
    }
  }

  @Override
  protected void close() {
    if (socket == null) {
      return;
    }
    unwatchData();
    socket.exceptionHandler(null);
    socket.endHandler(null);
    if (owned) {
      socket.close();
    }
  }

  /** Stops taking the socket's data: an endpoint's packets still in its queue are released as they come. */
  private void unwatchData() {
    if (owned) {
      ((NetSocketInternal) socket).messageHandler(ReferenceCountUtil::release);
    } else {
      socket.handler(null);
    }
  }

  @Override
  protected Future<Void> send(Buffer packet) {
    if (!owned) {
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
