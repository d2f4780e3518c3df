package io.hooknet.hooks.impl;

import io.hooknet.codec.HookEvent;
import io.hooknet.codec.Json;
import io.hooknet.hooks.Sessions;
import io.hooknet.hooks.impl.SessionProcessor.Step;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * The notices of the hooks a session lost (a merge kept another owner's registration of the name): told on the
 * session's owner address when a connection of it listens there; otherwise kept in the session's entry until a
 * connection of it takes them, in the answer to its resume or, when it is connected here again without one,
 * handed to it here ({@link #handOver}). Runs on the registry's event loop.
 */
final class LostNotices {

  private static final Logger LOG = Logger.getLogger(Sessions.class.getName());
  private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(1_000);
  private static final DeliveryOptions HERE = new DeliveryOptions().setLocalOnly(true);
  /** How often keeping a notice is tried (every {@link SessionsImpl#CHECK_MILLIS} ms): longer than a merge's stall. */
  private static final int KEEP_ATTEMPTS = 60;

  private final Vertx vertx;
  private final String node;
  /** Runs a step on a session's entry. */
  private final BiFunction<String, SessionProcessor, Future<Step>> step;

  LostNotices(Vertx vertx, String node, BiFunction<String, SessionProcessor, Future<Step>> step) {
    this.vertx = vertx;
    this.node = node;
    this.step = step;
  }

  /** Tells {@code session} that it lost a hook ({@code event}), now or at its next resume. */
  void tell(String session, HookEvent event) {
    // A request finds out whether any connection of the session listens: a bridged client never answers, so a
    // timeout means it was delivered; no handler means it waits in the session for its next resume.
    vertx.eventBus().request(Sessions.ownerAddress(session), Json.toJson(event), DELIVERY)
        .onFailure(failure -> {
          if (failure instanceof ReplyException
              && ((ReplyException) failure).failureType() == ReplyFailure.NO_HANDLERS) {
            keep(session, event, 1);
          }
        });
  }

  /**
   * Keeps a notice in the session's entry; asked again while the cluster does not answer (a merge's migrations hold
   * the entry), as the notice exists nowhere else.
   */
  private void keep(String session, HookEvent event, int attempt) {
    step.apply(session, SessionProcessor.lost(event)).onFailure(failure -> {
      if (attempt < KEEP_ATTEMPTS) {
        vertx.setTimer(SessionsImpl.CHECK_MILLIS, id -> keep(session, event, attempt + 1));
      } else {
        LOG.warning(() -> "session " + session + " could not keep the notice of a lost hook after " + attempt
            + " attempts: " + failure.getMessage());
      }
    });
  }

  /** Tells the connection here, of attachment {@code attachment}, the notices its session kept meanwhile, each once. */
  void handOver(String session, long attachment) {
    step.apply(session, SessionProcessor.takeLost(node, attachment)).onSuccess(taken -> {
      if (taken.applied()) {
        LOG.info(() -> "session " + session + " is told here of " + taken.state().lost().size()
            + " hook(s) it lost meanwhile");
        taken.state().lost().forEach(event -> vertx.eventBus().publish(Sessions.ownerAddress(session),
            Json.toJson(event), HERE));
      }
    });
  }
}
