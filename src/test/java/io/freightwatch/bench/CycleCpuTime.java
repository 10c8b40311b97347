package io.freightwatch.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Runs the benchmark's evaluation cycle and reports the CPU time of the evaluating thread per
 * cycle. Other processes on a shared machine stretch wall-clock time but not this thread's CPU
 * time, so it shows what one core spends per cycle when JMH's wall-clock figures are noisy.
 *
 * <p>Arguments: warm-up cycles (default 300) and measured cycles (default 300).
 */
public final class CycleCpuTime {

  private CycleCpuTime() {}

  public static void main(String[] args) {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    RuleEvaluationBenchmark benchmark = new RuleEvaluationBenchmark();
    benchmark.setUp();
    for (int i = 0; i < warmup; i++) {
      benchmark.nextScrape();
      benchmark.evaluateCycle();
    }
    long[] nanos = new long[measured];
    int alerts = 0;
    for (int i = 0; i < measured; i++) {
      benchmark.nextScrape();
      long start = threads.getCurrentThreadCpuTime();
      alerts += benchmark.evaluateCycle().size();
      nanos[i] = threads.getCurrentThreadCpuTime() - start;
    }
    Arrays.sort(nanos);
    System.out.printf("cycles=%d cpu_ms_p50=%.1f cpu_ms_p90=%.1f cpu_ms_max=%.1f"
        + " notifications=%d%n", measured, nanos[measured / 2] / 1e6,
        nanos[measured * 9 / 10] / 1e6, nanos[measured - 1] / 1e6, alerts);
  }
}
