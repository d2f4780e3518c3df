package io.hooknet.hooks.impl;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.FamilyProcessor.Result;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The stored registry: the Hazelcast map {@value #MAP}, one entry per family, changed only by
 * {@link FamilyProcessor}s. Every change gets its {@link ChangeContext} here, and every call an answer within the
 * command timeout: a change that Hazelcast has not confirmed by then fails with {@code ETIMEDOUT} (it may or may
 * not have been made).
 */
final class FamilyStore {

  static final String MAP = "hooknet.hooks";
  /** Epochs stay below 2^48 so that JavaScript clients read them exactly. */
  private static final long EPOCH_BOUND = 1L << 48;

  private final Vertx vertx;
  private final Context context;
  private final HazelcastInstance hazelcast;
  private final IMap<String, FamilyState> families;
  private final int historySize;
  private final long timeoutMillis;
  /** How often the calls waiting for the cluster are looked at: a tenth of the command timeout, 1-100 ms. */
  private final long sweepMillis;
  /** The calls waiting for the cluster ({@link #within}), and those answered since the last sweep. */
  private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sweeping = new AtomicBoolean();

  FamilyStore(Vertx vertx, Context context, HazelcastInstance hazelcast, int historySize, long timeoutMillis) {
    this.vertx = vertx;
    this.context = context;
    this.hazelcast = hazelcast;
    this.families = hazelcast.getMap(MAP);
    this.historySize = historySize;
    this.timeoutMillis = timeoutMillis;
    this.sweepMillis = Math.max(1, Math.min(100, timeoutMillis / 10));
  }

  IMap<String, FamilyState> map() {
    return families;
  }

  /**
   * A context for a change asked for now, by this node, in the cluster view it sees; a command in it is refused
   * once the command timeout has passed in cluster time.
   */
  ChangeContext changeContext() {
    return changeContext(view());
  }

  /** A context for a change decided in cluster view {@code view}: refused where the view is another by then. */
  ChangeContext changeContext(long view) {
    return new ChangeContext(view, ThreadLocalRandom.current().nextLong(1, EPOCH_BOUND), historySize,
        System.currentTimeMillis(), hazelcast.getCluster().getClusterTime() + timeoutMillis);
  }

  /**
   * {@code stage}, a Hazelcast future, as a future completed on {@code context}. Hazelcast runs a plain
   * {@code whenComplete} callback on its default async executor, which on a machine with fewer than three cores
   * starts a thread for each callback (about a third of a registry change's time on two cores); this callback runs
   * where the future completes and only hands the outcome to the context.
   */
  static <T> Future<T> onContext(CompletionStage<T> stage, Context context) {
    Promise<T> promise = Promise.promise();
    stage.whenCompleteAsync((value, failure) -> context.runOnContext(v -> {
      if (failure != null) {
        promise.fail(failure);
      } else {
        promise.complete(value);
      }
    }), Runnable::run);
    return promise.future();
  }

  /** Runs {@code processor} on one family; its rule failure fails the future with its errno. */
  Future<Result> change(String family, FamilyProcessor processor) {
    return within(onContext(families.submitToKey(family, processor), context), "change " + family)
        .compose(answer -> {
          Result result = answer.result();
          return result.errno() == 0 ? Future.succeededFuture(result) : Future.failedFuture(result.failure());
        });
  }

  /** Runs {@code processor} on every family, each where its entry lives. */
  Future<List<Result>> changeAll(FamilyProcessor processor) {
    return within(vertx.executeBlocking(() -> {
      List<Result> results = new ArrayList<>();
      families.executeOnEntries(processor).values()
          .forEach(answer -> results.add(answer.result()));
      return results;
    }, false), "change every family");
  }

  /**
   * {@code future}, or {@code ETIMEDOUT} when it has no outcome within the command timeout. A change that has not
   * reached the family's owner by then never will be applied ({@link FamilyProcessor} refuses it past the
   * deadline of its {@link ChangeContext}); one that has may have been.
   *
   * <p>One sweep, on a timer while any call waits, answers those whose time is up: a timer set and cancelled per
   * call was a few percent of a change's whole time in the throughput benchmark. The answer can come up to a tenth
   * of the timeout late (at most 100 ms).
   */
  <T> Future<T> within(Future<T> future, String what) {
    Promise<T> answer = Promise.promise();
    waiting.add(new Waiting(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), answer, what));
    if (sweeping.compareAndSet(false, true)) {
      vertx.setTimer(sweepMillis, id -> context.runOnContext(v -> sweep()));
    }
    future.onComplete(answer::tryComplete, answer::tryFail);
    return answer.future();
  }

  /** A call {@link #within} answers by {@code deadline} ({@link System#nanoTime}) at the latest. */
  private record Waiting(long deadline, Promise<?> answer, String what) {
  }

  /**
   * Answers the calls whose time is up and forgets every call answered, wherever it waits (a call stuck behind a
   * partition does not hold those made after it), and comes back while any wait; on the registry's context, where
   * its calls are answered.
   */
  private void sweep() {
    long now = System.nanoTime();
    waiting.removeIf(call -> {
      if (call.deadline() - now <= 0) {
        call.answer().tryFail(HooknetException.of(Errno.ETIMEDOUT, "%s: the cluster did not answer within %d ms (a "
            + "change may or may not have been made)", call.what(), timeoutMillis));
        return true;
      }
      return call.answer().future().isComplete();
    });
    sweeping.set(false);
    if (!waiting.isEmpty() && sweeping.compareAndSet(false, true)) {
      vertx.setTimer(sweepMillis, id -> context.runOnContext(v -> sweep()));
    }
  }

  /** The cluster view this node sees now. */
  long view() {
    return view(hazelcast);
  }

  /**
   * The cluster view member {@code hazelcast} sees: a hash of its members' ids, which differs on the two sides of a
   * split and changes with every member that comes or goes.
   */
  static long view(HazelcastInstance hazelcast) {
    List<UUID> members = new ArrayList<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      members.add(member.getUuid());
    }
    members.sort(null);
    long hash = 1125899906842597L;
    for (UUID member : members) {
      hash = 31 * hash + member.getMostSignificantBits();
      hash = 31 * hash + member.getLeastSignificantBits();
    }
    return hash;
  }
}
