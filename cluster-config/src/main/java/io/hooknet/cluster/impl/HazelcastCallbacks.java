package io.hooknet.cluster.impl;

import com.hazelcast.internal.util.ConcurrencyUtil;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where Hazelcast completes the futures of its asynchronous calls. Every {@code IMap} call that returns a
 * {@code CompletionStage} ({@code submitToKey}, {@code getAsync}, ...) hands its outcome to Hazelcast's default
 * async executor before anyone sees it. That executor is the common fork-join pool, except where the common pool
 * has a parallelism of one (machines with fewer than three cores), where Hazelcast starts a new thread for each
 * callback: a quarter of a millisecond per call on two cores, most of a registry change's time. There a cached
 * pool takes its place: the same semantics (a callback never waits for another), with idle threads reused.
 */
final class HazelcastCallbacks {

  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private HazelcastCallbacks() {
  }

  /** Installs the cached pool once per JVM, where Hazelcast would start a thread per callback. */
  static void install() {
    if (ForkJoinPool.getCommonPoolParallelism() > 1 || !INSTALLED.compareAndSet(false, true)) {
      return;
    }
    AtomicInteger count = new AtomicInteger();
    ConcurrencyUtil.setDefaultAsyncExecutor(Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "hazelcast-callback-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }));
  }
}
