package io.hooknet.codec;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Answering hooknet requests on the event bus. A request is answered in the form it came in: a record from a
 * Java node gets a record, JSON from a bridged client gets JSON. A failure is a reply failure whose code is the
 * errno and whose message starts with its name.
 */
public final class Requests {

  private Requests() {
  }

  /** Reads {@code request} as a {@code type}, runs it and answers; bad input is answered with EINVAL. */
  public static <C> void serve(Message<Object> request, Class<C> type,
      Function<C, Future<? extends HooknetMessage>> run) {
    boolean json = request.body() instanceof JsonObject;
    Future<? extends HooknetMessage> answer;
    try {
      answer = run.apply(Json.body(request.body(), type));
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(done -> {
      if (done.succeeded()) {
        request.reply(json ? Json.toJson(done.result()) : done.result());
      } else {
        HooknetException failure = HooknetException.from(done.cause());
        request.fail(failure.errno(), failure.getMessage());
      }
    });
  }
}
