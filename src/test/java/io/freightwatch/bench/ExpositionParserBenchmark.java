package io.freightwatch.bench;

import io.freightwatch.collect.traefik.Exposition;
import io.freightwatch.collect.traefik.ExpositionFormat;
import io.freightwatch.collect.traefik.ExpositionParser;
import io.freightwatch.collect.traefik.TraefikSignals;
import io.freightwatch.config.TraefikTarget;
import io.freightwatch.store.Sample;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parses a 50,000-series Traefik scrape (1,250 services), and parses it and computes the Traefik
 * signals, on one thread. Samples per second per core = operations per second times 50,000.
 *
 * <p>The parse starts from the UTF-8 bytes of the reply body, which is what the Traefik collector
 * passes to the parser. {@link #parseTextFormatFromString} starts from a String instead and so
 * also pays for encoding it to UTF-8.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 3)
public class ExpositionParserBenchmark {

  public static final int SERVICES = 1_250;

  private String scrape;
  private byte[] scrapeBytes;
  private byte[][] steps;
  private TraefikSignals signals;
  private Instant now;
  private int step;

  @Setup
  public void prepare() {
    scrape = TraefikScrapes.services(SERVICES, 0);
    scrapeBytes = scrape.getBytes(StandardCharsets.UTF_8);
    steps = new byte[][] {
      TraefikScrapes.services(SERVICES, 1).getBytes(StandardCharsets.UTF_8),
      TraefikScrapes.services(SERVICES, 2).getBytes(StandardCharsets.UTF_8)
    };
    signals = new TraefikSignals(new TraefikTarget("bench", URI.create("http://127.0.0.1/metrics"),
        Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(10), List.of()));
    now = Instant.parse("2026-01-01T00:00:00Z");
  }

  @Benchmark
  public Exposition parseTextFormat() {
    return ExpositionParser.parse(scrapeBytes, ExpositionFormat.PROMETHEUS_TEXT);
  }

  @Benchmark
  public Exposition parseTextFormatFromString() {
    return ExpositionParser.parse(scrape, ExpositionFormat.PROMETHEUS_TEXT);
  }

  @Benchmark
  public List<Sample> parseAndComputeSignals() {
    now = now.plusSeconds(30);
    // Counters grow on alternate steps and fall back on the others, which the signals treat as
    // resets. Either way every series gets an increase, as in steady traffic.
    byte[] text = steps[step++ & 1];
    return signals.update(ExpositionParser.parse(text, ExpositionFormat.PROMETHEUS_TEXT), now);
  }
}
