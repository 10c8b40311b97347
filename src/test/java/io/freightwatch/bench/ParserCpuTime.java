package io.freightwatch.bench;

import io.freightwatch.collect.traefik.ExpositionFormat;
import io.freightwatch.collect.traefik.ExpositionParser;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the benchmark's 50,000-series Traefik scrape from its UTF-8 bytes again and again, and
 * reports the CPU time of the parsing thread per parse. Other processes on a shared machine
 * stretch wall-clock time but not this thread's CPU time. Garbage collection runs on other threads
 * and is not counted, which JMH's wall-clock figures include.
 *
 * <p>Arguments: warm-up parses (default 300) and measured parses (default 300).
 */
public final class ParserCpuTime {

  private ParserCpuTime() {}

  public static void main(String[] args) {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    byte[] scrape =
        TraefikScrapes.services(ExpositionParserBenchmark.SERVICES, 0)
            .getBytes(StandardCharsets.UTF_8);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long samples = 0;
    for (int i = 0; i < warmup; i++) {
      samples += ExpositionParser.parse(scrape, ExpositionFormat.PROMETHEUS_TEXT).sampleCount();
    }
    long[] nanos = new long[measured];
    for (int i = 0; i < measured; i++) {
      long start = threads.getCurrentThreadCpuTime();
      samples += ExpositionParser.parse(scrape, ExpositionFormat.PROMETHEUS_TEXT).sampleCount();
      nanos[i] = threads.getCurrentThreadCpuTime() - start;
    }
    Arrays.sort(nanos);
    double medianMillis = nanos[measured / 2] / 1e6;
    int perParse = (int) (samples / (warmup + measured));
    System.out.printf(
        "parses=%d samples_per_parse=%d cpu_ms_p10=%.2f cpu_ms_p50=%.2f cpu_ms_p90=%.2f"
            + " samples_per_cpu_second_p50=%.2fM%n",
        measured,
        perParse,
        nanos[measured / 10] / 1e6,
        medianMillis,
        nanos[measured * 9 / 10] / 1e6,
        perParse / medianMillis / 1e3);
  }
}
