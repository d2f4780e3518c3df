package io.hooknet.sockets;

import io.hooknet.codec.Errno;

/**
 * What became of a packet at one destination, as {@link SocketPool#sendSync} reports it: errno 0 when the
 * receiving node wrote it to its socket, else why not ({@code EHOSTDOWN}: no such node; {@code ECANCELED}: its
 * pool does not forward or a filter dropped it; {@code ENXIO}: no socket on the channel there; a write error).
 */
public record Delivery(String node, int errno) {

  public boolean delivered() {
    return errno == 0;
  }

  /** The errno's name, {@code null} when delivered. */
  public String errnoName() {
    return Errno.nameOf(errno);
  }
}
