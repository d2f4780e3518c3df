package io.hooknet.bench;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Percentiles and deadline waits shared by the benchmarks. */
final class Stats {

  private Stats() {
  }

  /** The nearest-rank percentile {@code p} (0-100] of {@code values}. */
  static long percentile(long[] values, double p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    // p / 100 * n in floating point can land just above a whole rank (99.9 / 100 * 1000 = 999.0000000000001).
    int rank = (int) Math.ceil(p * sorted.length / 100.0 - 1e-9);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** One measurement of a side, in round {@code round} (0 first). */
  @FunctionalInterface
  interface Measure {
    double take(int round) throws Exception;
  }

  /**
   * The median of each of {@code sides} over {@code rounds} rounds, each round taking every side in turn: this
   * machine's speed drifts by tens of percent within minutes, which one run of each side would put into a ratio.
   */
  static double[] alternating(int rounds, Measure... sides) throws Exception {
    double[][] taken = new double[sides.length][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int side = 0; side < sides.length; side++) {
        taken[side][round] = sides[side].take(round);
      }
    }
    double[] medians = new double[sides.length];
    for (int side = 0; side < sides.length; side++) {
      medians[side] = median(taken[side]);
    }
    return medians;
  }

  /** The median of {@code values} (of an even count, the upper of the two middle values). */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /**
   * Checks {@code condition} every 20 µs until it holds; fails with {@code state} in the message after
   * {@code seconds}. For waiting on deliveries whose receivers stamp their own arrival time, so the waiter's
   * wake-up is not measured, and a waiter that parks leaves the cores to the nodes (spinning would take one of
   * two).
   */
  /** The samples of {@code parts}, one after another. */
  static long[] concat(List<long[]> parts) {
    return parts.stream().flatMapToLong(Arrays::stream).toArray();
  }

  static void awaitQuickly(BooleanSupplier condition, int seconds, Supplier<String> state) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up after " + seconds + " s: " + state.get());
      }
      LockSupport.parkNanos(20_000);
    }
  }

  /** Polls {@code condition} every 10 ms until it holds; fails with {@code state} after {@code seconds}. */
  static void pollUntil(Condition condition, int seconds, Supplier<String> state) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up after " + seconds + " s: " + state.get());
      }
      Thread.sleep(10);
    }
  }

  /** A condition that may fail while it is checked. */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }
}
