package io.hooknet.sockets;

import io.hooknet.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Connected socket pairs for pool tests: the pool's side is a Vert.x {@link NetSocket}, the application's
 * side a plain blocking socket the test drives (close, reset with {@code SO_LINGER} 0, stop reading).
 */
final class Peers implements AutoCloseable {

  /** A TCP pair: {@code socket} goes into the pool, {@code peer} plays the application. */
  record Tcp(NetSocket socket, Socket peer) {
    /** Closes the application's side so that the pool's side reads a reset (ECONNRESET), not an end. */
    void reset() throws IOException {
      peer.setSoLinger(true, 0);
      peer.close();
    }
  }

  /** A Unix domain pair. */
  record Unix(NetSocket socket, SocketChannel peer) {
  }

  private final NetClient client;
  private final ServerSocket tcpServer;
  private final List<Closeable> open = new ArrayList<>();
  private ServerSocketChannel unixServer;
  private Path unixPath;

  Peers(Vertx vertx) {
    client = vertx.createNetClient();
    try {
      tcpServer = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new connected TCP pair, optionally with a small receive buffer on the application's side. */
  Tcp tcp() {
    return tcp(-1);
  }

  Tcp tcp(int peerReceiveBuffer) {
    try {
      if (peerReceiveBuffer > 0) {
        tcpServer.setReceiveBufferSize(peerReceiveBuffer);
      }
      Future<NetSocket> socket = client.connect(tcpServer.getLocalPort(), "127.0.0.1");
      Socket peer = tcpServer.accept();
      open.add(peer);
      return new Tcp(Await.result(socket), peer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new connected Unix domain pair. */
  Unix unix() {
    try {
      if (unixServer == null) {
        unixPath = Files.createTempDirectory("hooknet-peers").resolve("peer.sock");
        unixServer = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        unixServer.bind(UnixDomainSocketAddress.of(unixPath));
      }
      Future<NetSocket> socket = client.connect(SocketAddress.domainSocketAddress(unixPath.toString()));
      SocketChannel peer = unixServer.accept();
      open.add(peer);
      return new Unix(Await.result(socket), peer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    for (Closeable peer : open) {
      peer.close();
    }
    tcpServer.close();
    if (unixServer != null) {
      unixServer.close();
      Files.deleteIfExists(unixPath);
      Files.deleteIfExists(unixPath.getParent());
    }
    Await.result(client.close());
  }
}
