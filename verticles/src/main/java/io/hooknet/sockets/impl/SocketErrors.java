package io.hooknet.sockets.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.Map;

/**
 * The errno behind a socket failure. The NIO transport reports Java's wording ({@code "Connection reset"}),
 * the native ones the C library's ({@code "Connection reset by peer"}); both name the same errno.
 */
final class SocketErrors {

  private static final Map<String, Errno> BY_TEXT = Map.of(
      "connection reset", Errno.ECONNRESET,
      "broken pipe", Errno.EPIPE,
      "connection refused", Errno.ECONNREFUSED,
      "timed out", Errno.ETIMEDOUT,
      "message too long", Errno.EMSGSIZE,
      "no route to host", Errno.EHOSTDOWN,
      "host is down", Errno.EHOSTDOWN,
      "not connected", Errno.ENOTCONN);

  private SocketErrors() {
  }

  static Errno errnoOf(Throwable failure) {
    if (failure instanceof HooknetException) {
      return Errno.valueOf(((HooknetException) failure).errnoName());
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ClosedChannelException) {
        return Errno.EPIPE;
      }
      String text = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
      for (Map.Entry<String, Errno> known : BY_TEXT.entrySet()) {
        if (text.contains(known.getKey())) {
          return known.getValue();
        }
      }
    }
    return Errno.EIO;
  }
}
