package io.hooknet.cluster;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that runs what it is given one after the other, in the order given, started when there is
 * something to run and ended after a second with nothing: work moved off a thread that others wait on, at no cost
 * while there is none.
 */
public final class OrderedThread {

  private OrderedThread() {
  }

  /** A new one, whose thread is named {@code name}. */
  public static ExecutorService named(String name) {
    // No thread kept, at most one, and an unbounded queue: a task starts once the one before it has ended.
    return new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    });
  }
}
