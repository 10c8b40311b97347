package io.freightwatch.collect.traefik;

import io.freightwatch.collect.Collector;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.collect.TargetId;
import io.freightwatch.config.TraefikTarget;
import io.freightwatch.store.Sample;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes one Traefik metrics endpoint and emits the Traefik signals computed by {@link
 * TraefikSignals}. Each scrape is one HTTP GET through a Vert.x {@link WebClient} that is created
 * from the scrape context's Vert.x on the first scrape and reused after that. The request prefers
 * Prometheus text to OpenMetrics, accepts gzip, and is bounded by the shorter of the target's
 * timeout and the scrape's timeout. Processing the reply gets what is left of the scrape's timeout,
 * so the whole scrape completes within it.
 *
 * <p>The scrape fails when the request fails or times out, the reply is not HTTP 200, its
 * Content-Type is not a supported text format, or its body does not parse. The message names the
 * target, the URL (with any user info redacted) and the cause, with a reply body cut to {@value
 * #BODY_EXCERPT_CHARS} characters. A scrape that fails before its reply is parsed leaves the
 * counter state untouched.
 *
 * <p>The status and Content-Type are checked on the event loop. Parsing and the signal computation
 * run on the worker pool through {@link ScrapeContext#blocking}, because they are too heavy for the
 * event loop on large scrapes: a synthetic Traefik scrape of 50,000 series (7 MB of text) takes
 * about 10 ms of CPU to parse and 80 ms to compute after JIT warm-up (bench/RESULTS.md, section 4).
 */
public final class TraefikCollector implements Collector {

  /** Prometheus text first, because Traefik serves only that, then OpenMetrics for others. */
  static final String ACCEPT =
      "text/plain;version=0.0.4;q=1.0, application/openmetrics-text;version=1.0.0;q=0.5";

  /** Maximum length of a reply body quoted in a failure message. */
  static final int BODY_EXCERPT_CHARS = 200;

  private static final Logger LOG = LoggerFactory.getLogger(TraefikCollector.class);

  private final TraefikTarget target;
  private final TargetId id;
  private final String displayUrl;
  private final TraefikSignals signals;
  private final Object stateLock = new Object();
  private WebClient client;

  /** Replies received so far; read and written on the event loop only. */
  private long repliesReceived;

  /** Sequence number of the newest reply applied to the signals, guarded by the lock. */
  private long lastAppliedSequence;

  public TraefikCollector(TraefikTarget target) {
    this.target = Objects.requireNonNull(target, "target");
    this.id = new TargetId("traefik", target.name());
    this.displayUrl = redactUserInfo(target.url().toString(), target.url().getRawUserInfo());
    this.signals = new TraefikSignals(target);
  }

  @Override
  public TargetId target() {
    return id;
  }

  @Override
  public Duration interval() {
    return target.interval();
  }

  /**
   * Scrapes the target once and returns its Traefik signals. Must be called on the same Vert.x
   * context each time, never twice at once, as the {@link Collector} contract provides.
   */
  @Override
  public Future<List<Sample>> scrape(ScrapeContext context) {
    long deadlineNanos = System.nanoTime() + context.timeout().toNanos();
    long timeoutMillis =
        Math.max(1, Math.min(target.timeout().toMillis(), context.timeout().toMillis()));
    Future<HttpResponse<Buffer>> reply =
        client(context.vertx())
            .getAbs(target.url().toString())
            .putHeader("Accept", ACCEPT)
            .putHeader("Accept-Encoding", "gzip")
            .connectTimeout(timeoutMillis)
            .idleTimeout(timeoutMillis)
            .send()
            // The request's own timeouts bound connecting and each wait for data. This one bounds
            // the whole exchange, including a body that trickles in.
            .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    return reply.transform(
        result -> {
          if (result.failed()) {
            return Future.failedFuture(requestFailure(result.cause(), timeoutMillis));
          }
          return process(result.result(), context, deadlineNanos);
        });
  }

  @Override
  public Future<Void> close() {
    if (client != null) {
      client.close();
      client = null;
    }
    return Future.succeededFuture();
  }

  private WebClient client(Vertx vertx) {
    if (client == null) {
      WebClientOptions options =
          new WebClientOptions().setDecompressionSupported(true).setUserAgent("freightwatch");
      client = WebClient.create(vertx, options);
    }
    return client;
  }

  /**
   * Checks the status and Content-Type on the event loop, then parses the body and updates the
   * signals on the worker pool within what is left of the scrape's timeout.
   */
  private Future<List<Sample>> process(
      HttpResponse<Buffer> response, ScrapeContext context, long deadlineNanos) {
    Instant scrapedAt = context.clock().instant();
    long sequence = ++repliesReceived;
    Buffer body = response.body() == null ? Buffer.buffer() : response.body();
    if (response.statusCode() != 200) {
      String status = "returned HTTP " + response.statusCode() + ": " + excerpt(body);
      return Future.failedFuture(failure(status, null));
    }
    ExpositionFormat format;
    try {
      format =
          ExpositionFormat.fromContentType(Optional.ofNullable(response.getHeader("Content-Type")));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(failure("invalid reply: " + e.getMessage(), e));
    }
    long remainingMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    return context
        .blocking(() -> parseAndUpdate(body, format, scrapedAt, sequence))
        .timeout(remainingMillis, TimeUnit.MILLISECONDS)
        .recover(error -> Future.failedFuture(processingFailure(error, context)));
  }

  /**
   * Parses a reply and updates the signals on a worker thread. The worker pool runs tasks
   * unordered, and a task that outlived its scrape's timeout keeps running. So two tasks of this
   * target can overlap. The lock keeps the counter state consistent, and the sequence number
   * discards a reply that reaches the lock after a newer one was applied.
   */
  private List<Sample> parseAndUpdate(
      Buffer body, ExpositionFormat format, Instant scrapedAt, long sequence) {
    Exposition exposition = ExpositionParser.parse(body.getBytes(), format);
    List<Sample> samples;
    synchronized (stateLock) {
      if (sequence < lastAppliedSequence) {
        throw new IllegalStateException(
            "reply discarded because a newer reply was applied first, as processing took"
                + " longer than the scrape interval");
      }
      lastAppliedSequence = sequence;
      samples = signals.update(exposition, scrapedAt);
    }
    LOG.debug(
        "traefik scrape parsed target={} format={} series={} signals={}",
        target.name(),
        format,
        exposition.sampleCount(),
        samples.size());
    return samples;
  }

  private TraefikScrapeException processingFailure(Throwable error, ScrapeContext context) {
    if (error instanceof ExpositionFormatException) {
      return failure("invalid reply: " + error.getMessage(), error);
    }
    if (error instanceof TimeoutException) {
      return failure(
          "processing the reply timed out: the scrape timeout of "
              + context.timeout().toMillis()
              + " ms ran out",
          error);
    }
    return failure("processing the reply failed: " + error.getMessage(), error);
  }

  private TraefikScrapeException requestFailure(Throwable cause, long timeoutMillis) {
    if (cause instanceof TimeoutException) {
      return failure("timed out after " + timeoutMillis + " ms", cause);
    }
    return failure("failed: " + cause, cause);
  }

  private TraefikScrapeException failure(String problem, Throwable cause) {
    return new TraefikScrapeException(id + ": GET " + displayUrl + " " + problem, cause);
  }

  /**
   * Cuts a reply body to {@value #BODY_EXCERPT_CHARS} characters on one line, so that it fits a log
   * line, and marks a cut with "...".
   */
  static String excerpt(Buffer body) {
    // Only the start of the body is decoded, so that a large body costs no more than a short one.
    int decoded = Math.min(body.length(), 2 * BODY_EXCERPT_CHARS);
    String oneLine =
        body.getString(0, decoded, StandardCharsets.UTF_8.name()).strip().replaceAll("\\s+", " ");
    if (oneLine.isEmpty() && decoded == body.length()) {
      return "(empty body)";
    }
    if (oneLine.length() <= BODY_EXCERPT_CHARS && decoded == body.length()) {
      return oneLine;
    }
    return oneLine.substring(0, Math.min(oneLine.length(), BODY_EXCERPT_CHARS)) + "...";
  }

  private static String redactUserInfo(String url, String rawUserInfo) {
    return rawUserInfo == null ? url : url.replace(rawUserInfo + "@", "<redacted>@");
  }
}
