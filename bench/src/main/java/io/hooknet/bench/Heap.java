package io.hooknet.bench;

import java.lang.management.ManagementFactory;

/** The live heap of this process, as the benchmarks that measure memory read it. */
final class Heap {

  private static final long SETTLED_BYTES = 64 * 1024;

  private Heap() {
  }

  /**
   * The live heap: collected until two readings 100 ms apart agree within {@value #SETTLED_BYTES} bytes (at most
   * 30 tries), so that state the process lets go of shortly after a step (a join's migrations, a batch's buffers)
   * is not counted on one side of a difference only.
   */
  static long afterGc() throws InterruptedException {
    long previous = collected();
    for (int i = 0; i < 30; i++) {
      Thread.sleep(100);
      long now = collected();
      if (Math.abs(now - previous) <= SETTLED_BYTES) {
        return now;
      }
      previous = now;
    }
    return previous;
  }

  private static long collected() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
