package io.hooknet.hooks.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCall;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Json;
import io.hooknet.codec.Replies.RunResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code hook_run}: the event's hooks called in chain order, each with a request to its address; the first
 * non-zero result stops the chain and is the run's result. The chain is the one stored when the run starts.
 *
 * <p>A run always answers. A hook that cannot be called stops the chain with its errno: {@code EHOSTUNREACH} when
 * nothing listens at its address (its client or node is gone), {@code ETIMEDOUT} when it does not answer within
 * the hook timeout (or the run's own deadline would pass first), the failure's errno when it answers with one.
 */
final class HookRun {

  /** The answer and the hooks that answered, for the counters. */
  record Outcome(RunResult result, List<String> called) {
  }

  private final Vertx vertx;
  private final RegistryReads reads;
  private final HookCommand.Run command;
  private final long hookTimeoutMillis;
  private final long deadline;
  private final List<String> called = new ArrayList<>();

  HookRun(Vertx vertx, RegistryReads reads, HookCommand.Run command, long hookTimeoutMillis, long runTimeoutMillis) {
    this.vertx = vertx;
    this.reads = reads;
    this.command = command;
    this.hookTimeoutMillis = hookTimeoutMillis;
    this.deadline = System.nanoTime() + runTimeoutMillis * 1_000_000;
  }

  Future<Outcome> call() {
    return reads.event(command.family(), command.event()).compose(event -> next(event.chain, 0));
  }

  private Future<Outcome> next(List<HookChain.Link> chain, int index) {
    if (index == chain.size()) {
      return Future.succeededFuture(new Outcome(new RunResult(0, called.size(), null), called));
    }
    HookChain.Link link = chain.get(index);
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      return stopped(link, Errno.ETIMEDOUT);
    }
    HookCall call = new HookCall(command.family(), command.event(), link.hook(), command.payload());
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(Math.min(hookTimeoutMillis, left));
    return vertx.eventBus().request(link.address(), Json.toJson(call), options).transform(answered -> {
      if (answered.failed()) {
        return stopped(link, Errno.of(HooknetException.from(answered.cause()).errno()).orElse(Errno.EIO));
      }
      int rc;
      try {
        rc = Json.body(answered.result().body(), HookCall.Result.class).rc();
      } catch (HooknetException e) {
        return stopped(link, Errno.EINVAL);
      }
      called.add(link.hook());
      return rc != 0 ? Future.succeededFuture(new Outcome(new RunResult(rc, called.size(), link.hook()), called))
          : next(chain, index + 1);
    });
  }

  private Future<Outcome> stopped(HookChain.Link link, Errno errno) {
    return Future.succeededFuture(new Outcome(RunResult.failed(called.size() + 1, link.hook(), errno), called));
  }
}
