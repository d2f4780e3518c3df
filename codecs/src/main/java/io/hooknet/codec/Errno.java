package io.hooknet.codec;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Linux errno values hooknet reports, with their numbers as on Linux x86-64.
 *
 * <p>Every failure in hooknet carries one of these, as the C interfaces it comes from do: in Java as
 * {@link HooknetException#errno()}, on the event bus as the {@code failureCode} of a
 * {@link io.vertx.core.eventbus.ReplyException}, and in {@link SockEvent#errno()}.
 */
public enum Errno {
  ESRCH(3, "no such callback or event"),
  EIO(5, "input/output error"),
  ENXIO(6, "no such family, event or hook"),
  EAGAIN(11, "try again"),
  EACCES(13, "permission denied"),
  EBUSY(16, "busy"),
  EEXIST(17, "already exists"),
  EINVAL(22, "invalid argument"),
  EPIPE(32, "broken pipe"),
  EMSGSIZE(90, "message too long"),
  ECONNRESET(104, "connection reset by peer"),
  ENOTCONN(107, "not connected"),
  ESHUTDOWN(108, "shut down"),
  ETIMEDOUT(110, "timed out"),
  ECONNREFUSED(111, "connection refused"),
  EHOSTDOWN(112, "host is down"),
  EHOSTUNREACH(113, "no route to host"),
  ECANCELED(125, "operation canceled");

  private static final Map<Integer, Errno> BY_NUMBER =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Errno::number, Function.identity()));

  private final int number;
  private final String description;

  Errno(int number, String description) {
    this.number = number;
    this.description = description;
  }

  /** The errno number, e.g. 17 for {@link #EEXIST}. */
  public int number() {
    return number;
  }

  /** A short description in the spirit of {@code strerror(3)}. */
  public String description() {
    return description;
  }

  /** The errno with this number, if hooknet knows it. */
  public static Optional<Errno> of(int number) {
    return Optional.ofNullable(BY_NUMBER.get(number));
  }

  /**
   * The symbolic name of an errno number: {@code "EEXIST"} for 17, {@code null} for 0 (no error), and
   * {@code "E<number>"} for a number hooknet has no name for.
   */
  public static String nameOf(int number) {
    if (number == 0) {
      return null;
    }
    Errno errno = BY_NUMBER.get(number);
    return errno != null ? errno.name() : "E" + number;
  }
}
