package io.hooknet.hooks.impl;

import io.hooknet.codec.HookCall;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Json;
import io.hooknet.codec.Replies.RunResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code hook_run}: the event's hooks called in chain order, each with a request to its address; the first
 * non-zero result stops the chain and is the run's result. The chain is the one stored when the run starts.
 */
final class HookRun {

  /** The answer and the hooks that were called, for the counters. */
  record Outcome(RunResult result, List<String> called) {
  }

  private final Vertx vertx;
  private final RegistryReads reads;
  private final HookCommand.Run command;
  private final List<String> called = new ArrayList<>();

  HookRun(Vertx vertx, RegistryReads reads, HookCommand.Run command) {
    this.vertx = vertx;
    this.reads = reads;
    this.command = command;
  }

  Future<Outcome> call() {
    return reads.event(command.family(), command.event()).compose(event -> next(event.chain, 0));
  }

  private Future<Outcome> next(List<HookChain.Link> chain, int index) {
    if (index == chain.size()) {
      return Future.succeededFuture(new Outcome(new RunResult(0, called.size(), null), called));
    }
    HookChain.Link link = chain.get(index);
    HookCall call = new HookCall(command.family(), command.event(), link.hook(), command.payload());
    return vertx.eventBus().request(link.address(), Json.toJson(call))
        .recover(failure -> Future.failedFuture(HooknetException.from(failure)
            .withContext("hook '" + link.hook() + "' of node " + link.node() + " did not answer")))
        .compose(reply -> {
          called.add(link.hook());
          int rc = Json.body(reply.body(), HookCall.Result.class).rc();
          return rc != 0 ? Future.succeededFuture(new Outcome(new RunResult(rc, called.size(), link.hook()), called))
              : next(chain, index + 1);
        });
  }
}
