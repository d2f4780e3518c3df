package io.hooknet.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ErrnoTest {

  @Test
  void numbersAreLinuxNumbers() {
    Map<String, Integer> table = Arrays.stream(Errno.values()).collect(Collectors.toMap(Errno::name, Errno::number));
    assertThat(table).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("ESRCH", 3), Map.entry("EIO", 5), Map.entry("ENXIO", 6), Map.entry("EAGAIN", 11),
        Map.entry("EACCES", 13), Map.entry("EBUSY", 16), Map.entry("EEXIST", 17), Map.entry("EINVAL", 22),
        Map.entry("EPIPE", 32), Map.entry("EMSGSIZE", 90), Map.entry("ECONNRESET", 104),
        Map.entry("ENOTCONN", 107), Map.entry("ESHUTDOWN", 108), Map.entry("ETIMEDOUT", 110),
        Map.entry("ECONNREFUSED", 111), Map.entry("EHOSTDOWN", 112), Map.entry("EHOSTUNREACH", 113),
        Map.entry("ECANCELED", 125)));
  }

  @Test
  void names() {
    assertThat(Errno.nameOf(17)).isEqualTo("EEXIST");
    assertThat(Errno.nameOf(0)).isNull();
    assertThat(Errno.nameOf(99)).isEqualTo("E99");
    assertThat(Errno.of(104)).contains(Errno.ECONNRESET);
    assertThat(Errno.of(99)).isEmpty();
  }

  @Test
  void exceptionMessageStartsWithTheName() {
    HooknetException e = HooknetException.of(Errno.EEXIST, "hook '%s' already on %s (node %s)", "ipf", "inet/PHYSICAL_IN", "n2");
    assertThat(e.errno()).isEqualTo(17);
    assertThat(e.errnoName()).isEqualTo("EEXIST");
    assertThat(e.getMessage()).isEqualTo("EEXIST: hook 'ipf' already on inet/PHYSICAL_IN (node n2)");
    assertThat(e.detail()).isEqualTo("hook 'ipf' already on inet/PHYSICAL_IN (node n2)");
    assertThat(e.withContext("register").getMessage())
        .isEqualTo("EEXIST: register: hook 'ipf' already on inet/PHYSICAL_IN (node n2)");
  }

  @Test
  void aRefusalIsAnAnswerWithoutAStackTraceAndKeepsItsErrnoInContext() {
    HooknetException refused = HooknetException.refused(Errno.EEXIST, "hook '%s' already on %s", "ipf", "inet/IN");
    assertThat(refused.getMessage()).isEqualTo("EEXIST: hook 'ipf' already on inet/IN");
    assertThat(refused.getStackTrace()).isEmpty();
    HooknetException framed = refused.withContext("register");
    assertThat(framed.getMessage()).isEqualTo("EEXIST: register: hook 'ipf' already on inet/IN");
    assertThat(framed.getStackTrace()).isEmpty();
    assertThat(framed.getCause()).isSameAs(refused);
    // An errno hooknet has no name for (a remote node's failure code) stays that number in context.
    HooknetException remote = HooknetException.from(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 200, "odd"));
    assertThat(remote.withContext("run").errno()).isEqualTo(200);
    assertThat(HooknetException.of(Errno.EIO, "a fault").getStackTrace()).isNotEmpty();
  }

  @Test
  void replyExceptionRoundTrip() {
    HooknetException e = new HooknetException(Errno.EBUSY, "channel 3 is taken");
    ReplyException reply = e.toReplyException();
    assertThat(reply.failureCode()).isEqualTo(16);
    assertThat(reply.getMessage()).isEqualTo("EBUSY: channel 3 is taken");
    HooknetException back = HooknetException.from(reply);
    assertThat(back.errno()).isEqualTo(16);
    assertThat(back.getMessage()).isEqualTo("EBUSY: channel 3 is taken");
  }

  @Test
  void otherFailures() {
    assertThat(HooknetException.from(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting 30000(ms)"))
        .getMessage()).isEqualTo("ETIMEDOUT: Timed out after waiting 30000(ms)");
    assertThat(HooknetException.from(new ReplyException(ReplyFailure.NO_HANDLERS, "No handlers for address x"))
        .errno()).isEqualTo(113);
    assertThat(HooknetException.from(new IllegalStateException("boom")).getMessage()).isEqualTo("EIO: boom");
  }
}
