package io.hooknet.sockets.impl;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.SocketAddress;

/**
 * A bound datagram socket: each datagram read is a packet, packets written go to one peer. A 0-byte datagram is
 * an end of read, as libknet reports it; after it the socket's datagrams are discarded unread by the pool
 * (Vert.x cannot pause a datagram socket). A failed send costs only that packet.
 */
final class DatagramDatafd extends Datafd {

  private final DatagramSocket socket;
  private final SocketAddress peer;

  DatagramDatafd(Ties ties, long datafd, int channel, DatagramSocket socket, SocketAddress peer) {
    super(ties, datafd, channel);
    this.socket = socket;
    this.peer = peer;
  }
  @Override
  public Object socket() {
    return socket;
  }


  @Override
  String kind() {
    return "udp";
  }

  @Override
  void start() {
    socket.handler(datagram -> ties.loop().run(() -> read(datagram.data())));
    socket.exceptionHandler(failure -> ties.loop().run(() -> readFailed(failure)));
  }

  private void read(Buffer data) {
    if (data.length() == 0) {
      endOfRead();
    } else {
      packetRead(data);
    }
  }

  @Override
  protected void stopReading() {
    socket.handler(null);
  }

  @Override
  protected void close() {
    socket.handler(null);
    socket.exceptionHandler(null);
  }

  @Override
  protected Future<Void> send(Buffer packet) {
    return socket.send(packet, peer.port(), peer.host());
  }

  @Override
  protected boolean survivesWriteError() {
    return true;
  }
}
