package io.hooknet.sockets.impl;

import io.hooknet.codec.PoolCommand.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A socket the pool creates for a local process, the analogue of libknet's socketpair: a listener on a Unix
 * domain path or a {@code 127.0.0.1} port that takes exactly one connection and closes any later one at once.
 * (The listener stays open until the endpoint is removed: closing a Vert.x server closes its connections.) The
 * connection carries framed packets.
 */
final class EndpointDatafd extends StreamDatafd {

  private final Endpoint endpoint;
  private final Path path;
  private NetServer server;
  private String address;

  EndpointDatafd(Ties ties, long datafd, int channel, Endpoint endpoint, Path path) {
    super(ties, datafd, channel, null, true);
    this.endpoint = endpoint;
    this.path = path;
  }

  @Override
  String kind() {
    return endpoint == Endpoint.UNIX ? "unix-endpoint" : "tcp-endpoint";
  }

  @Override
  String address() {
    return address;
  }

  /** Starts listening; the future gives the address to connect to. */
  Future<String> listen() {
    server = ties.vertx().createNetServer().connectHandler(this::accept);
    if (endpoint == Endpoint.UNIX) {
      // File system calls block: they run off the pool's event loop.
      return ties.vertx().executeBlocking(() -> {
        Files.createDirectories(path.getParent());
        return Files.deleteIfExists(path);
      }).recover(failure -> Future.failedFuture(new UncheckedIOException("cannot prepare the endpoint path " + path,
          failure instanceof IOException ? (IOException) failure : new IOException(failure))))
          .compose(prepared -> server.listen(SocketAddress.domainSocketAddress(path.toString())))
          .map(listening -> address = path.toString());
    }
    return server.listen(0, "127.0.0.1").map(listening -> address = "127.0.0.1:" + listening.actualPort());
  }

  private void accept(NetSocket socket) {
    framePackets(socket);
    ties.loop().run(() -> {
      if (connected() || server == null) {
        socket.close();
        return;
      }
      watch(socket);
    });
  }

  @Override
  protected void close() {
    stopListening();
    super.close();
  }

  private void stopListening() {
    if (server != null) {
      NetServer listening = server;
      server = null;
      listening.close().onComplete(closed -> deletePath());
    }
  }

  private void deletePath() {
    if (path != null) {
      ties.vertx().executeBlocking(() -> Files.deleteIfExists(path)).onFailure(failure ->
          LOG.warning(() -> "cannot remove the endpoint " + path + ": " + failure));
    }
  }
}
