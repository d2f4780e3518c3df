package io.hooknet.codec;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A failure with a Linux errno. The message always starts with the errno's name, as in
 * {@code "EEXIST: hook 'ipf' already on inet/PHYSICAL_IN (node n2)"}, so the same text reads well in a
 * log, in Java and on the event bus.
 */
public class HooknetException extends RuntimeException {

  private final int errno;
  private final String detail;

  public HooknetException(Errno errno, String detail) {
    this(errno.number(), detail, null);
  }

  public HooknetException(Errno errno, String detail, Throwable cause) {
    this(errno.number(), detail, cause);
  }

  private HooknetException(int errno, String detail, Throwable cause) {
    super(Errno.nameOf(errno) + ": " + detail, cause);
    this.errno = errno;
    this.detail = detail;
  }

  private HooknetException(int errno, String detail, Throwable cause, boolean stackTrace) {
    super(Errno.nameOf(errno) + ": " + detail, cause, true, stackTrace);
    this.errno = errno;
    this.detail = detail;
  }

  /**
   * An expected outcome told as a failure, such as a packet a socket could not take: without a stack trace, which
   * would cost more than the rest of the work and say nothing. {@code cause} (may be null) keeps what the transport
   * reported.
   */
  public static HooknetException outcome(Errno errno, String detail, Throwable cause) {
    return new HooknetException(errno.number(), detail, cause, false);
  }

  /**
   * A request a rule refused ({@code EEXIST}, {@code ENOENT}, ...), with a detail message formatted with
   * {@code args}: an answer to the caller, not a fault, so without a stack trace (filling one in cost the registry
   * more than the rest of a refused change).
   */
  public static HooknetException refused(Errno errno, String format, Object... args) {
    return outcome(errno, String.format(format, args), null);
  }

  /** A failure with the errno named by {@code errno} and a detail message formatted with {@code args}. */
  public static HooknetException of(Errno errno, String format, Object... args) {
    return new HooknetException(errno, String.format(format, args));
  }

  /**
   * The hooknet view of a failure: a {@code HooknetException} as it is, a {@link ReplyException} carrying an
   * errno as failure code (what a remote node answered) with its errno, a reply timeout as {@link Errno#ETIMEDOUT},
   * no handler at the address as {@link Errno#EHOSTUNREACH}, anything else as {@link Errno#EIO}.
   */
  public static HooknetException from(Throwable failure) {
    if (failure instanceof HooknetException) {
      return (HooknetException) failure;
    }
    if (failure instanceof ReplyException) {
      ReplyException reply = (ReplyException) failure;
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() > 0) {
        return new HooknetException(reply.failureCode(), stripName(reply.failureCode(), reply.getMessage()), reply);
      }
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return new HooknetException(Errno.ETIMEDOUT, reply.getMessage(), reply);
      }
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return new HooknetException(Errno.EHOSTUNREACH, reply.getMessage(), reply);
      }
    }
    return new HooknetException(Errno.EIO, String.valueOf(failure.getMessage()), failure);
  }

  private static String stripName(int errno, String message) {
    String prefix = Errno.nameOf(errno) + ": ";
    return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  /** The same failure with {@code context} put before the detail: {@code "EINVAL: context: detail"}. */
  public HooknetException withContext(String context) {
    return new HooknetException(errno, context + ": " + detail, this, false);
  }

  /** The message without the errno name in front. */
  public String detail() {
    return detail;
  }

  /** The errno number, e.g. 17. */
  public int errno() {
    return errno;
  }

  /** The errno name, e.g. {@code "EEXIST"}. */
  public String errnoName() {
    return Errno.nameOf(errno);
  }

  /** This failure as an event bus reply failure: the errno as failure code, the same message. */
  public ReplyException toReplyException() {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, errno, getMessage());
  }
}
