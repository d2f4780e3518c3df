package io.hooknet.bench;

import java.util.concurrent.Callable;

/** A benchmark run on its own ({@code bench/run NAME}) or as part of {@code bench/run all}. */
abstract class BenchCommand implements Callable<Integer> {

  /** Runs the benchmark, printing its details as it goes and adding its rows and checks to {@code report}. */
  abstract void run(Report report) throws Exception;

  @Override
  public Integer call() throws Exception {
    Report report = new Report();
    run(report);
    report.print(System.out);
    return 0;
  }
}
