package io.hooknet.sockets.impl;

import io.hooknet.codec.FrameDecoder;
import io.hooknet.sockets.SocketPool;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * A TCP or Unix domain stream. A socket the application added is read as a byte stream, each read being a
 * packet, and left open on removal; an accepted endpoint connection is framed and closed on removal.
 */
class StreamDatafd extends Datafd {

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
  String kind() {
    return socket != null && socket.remoteAddress() != null && socket.remoteAddress().isDomainSocket()
        ? "unix" : "tcp";
  }

  @Override
  void start() {
    if (socket != null) {
      watch(socket);
    }
  }

  protected final void watch(NetSocket accepted) {
    socket = accepted;
    accepted.handler(data -> ties.loop().run(() -> read(data)));
    accepted.exceptionHandler(failure -> ties.loop().run(() -> readFailed(failure)));
    accepted.endHandler(end -> ties.loop().run(this::endOfRead));
    accepted.resume();
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
    return socket.write(decoder != null ? FrameDecoder.frame(packet) : packet);
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
