package io.freightwatch.collect;

import io.freightwatch.config.Shard;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every collector on its own interval and writes what it returns into the store. Each
 * collector scrapes at its own phase within the interval, taken from a stable hash of its target,
 * so hundreds of tenants spread their scrapes and database connections over the interval instead
 * of starting together. A scrape that is still running when its next turn comes is skipped and
 * counted, never queued. A failed scrape sets the target's {@code freightwatch_target_up} to 0 and
 * marks its series stale; the failure is logged once when the target goes down and once when it
 * comes back.
 *
 * <p>Must be used from the agent's event loop only.
 */
public final class CollectorScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(CollectorScheduler.class);

  private final Vertx vertx;
  private final SeriesStore store;
  private final ScrapeContext context;
  private final Clock clock;
  private final Map<TargetId, Scheduled> scheduled = new LinkedHashMap<>();
  private Runnable afterScrape = () -> {};
  private boolean started;

  public CollectorScheduler(Vertx vertx, SeriesStore store, ScrapeContext context) {
    this.vertx = vertx;
    this.store = store;
    this.context = context;
    this.clock = context.clock();
  }

  /** Sets an action run on the event loop after every scrape, for example a readiness check. */
  public void onScrape(Runnable action) {
    this.afterScrape = action;
  }

  /** Adds a collector; when the scheduler runs, its first scrape starts within one interval. */
  public void add(Collector collector) {
    if (scheduled.containsKey(collector.target())) {
      throw new IllegalArgumentException("collector for " + collector.target() + " already added");
    }
    Scheduled entry = new Scheduled(collector);
    scheduled.put(collector.target(), entry);
    if (started) {
      entry.start(phase(collector));
    }
  }

  /** Stops and closes the collector of {@code target} and forgets its series. */
  public Future<Void> remove(TargetId target) {
    Scheduled entry = scheduled.remove(target);
    if (entry == null) {
      return Future.succeededFuture();
    }
    entry.stop();
    store.removeOwner(owner(target));
    store.removeOwner(healthOwner(target));
    return entry.collector.close();
  }

  /**
   * Starts all collectors. The first scrape of each starts at once, so that readiness does not
   * wait a whole interval. Later ones follow the interval at the collector's phase, at least half
   * an interval after the first.
   */
  public void start() {
    started = true;
    for (Scheduled entry : scheduled.values()) {
      entry.startNow(phase(entry.collector));
    }
  }

  /** Stops the timers and closes every collector. */
  public Future<Void> stop() {
    started = false;
    List<Future<Void>> closing = new ArrayList<>();
    for (Scheduled entry : scheduled.values()) {
      entry.stop();
      closing.add(entry.collector.close());
    }
    return Future.join(closing).mapEmpty();
  }

  /** Returns true when every collector has finished at least one scrape, successful or not. */
  public boolean allScrapedOnce() {
    return scheduled.values().stream().allMatch(s -> s.completedScrapes > 0);
  }

  /** Returns the health of every target, in the order they were added. */
  public List<TargetHealth> health() {
    List<TargetHealth> result = new ArrayList<>();
    for (Scheduled entry : scheduled.values()) {
      result.add(entry.health());
    }
    return result;
  }

  public Optional<TargetHealth> health(TargetId target) {
    return Optional.ofNullable(scheduled.get(target)).map(Scheduled::health);
  }

  static String owner(TargetId target) {
    return "target:" + target;
  }

  static String healthOwner(TargetId target) {
    return "health:" + target;
  }

  /**
   * Returns the collector's phase: a delay from 1 ms to the interval that places its periodic
   * scrapes within the interval. It depends only on the target, so a restarted agent keeps the
   * spread of its scrapes.
   */
  static long phase(Collector collector) {
    long intervalMillis = Math.max(1, collector.interval().toMillis());
    return 1 + Long.remainderUnsigned(Shard.stableHash(collector.target().toString()),
        intervalMillis);
  }

  /** Scheduling state of one collector. */
  private final class Scheduled {
    private final Collector collector;
    private long timerId = -1;
    private long firstTimerId = -1;
    private boolean busy;
    private boolean up;
    private boolean everScraped;
    private long completedScrapes;
    private long skipped;
    private double lastDurationSeconds = Double.NaN;
    private Instant lastScrape;
    private String lastError = "";

    Scheduled(Collector collector) {
      this.collector = collector;
    }

    void start(long firstDelayMillis) {
      timerId = vertx.setPeriodic(firstDelayMillis, collector.interval().toMillis(), id -> tick());
    }

    /** Scrapes at once, then periodically from {@code phaseMillis} on. */
    void startNow(long phaseMillis) {
      long intervalMillis = collector.interval().toMillis();
      // A phase close to the immediate scrape would find it still running and count a skip.
      long firstPeriodic = phaseMillis < intervalMillis / 2 ? phaseMillis + intervalMillis
          : phaseMillis;
      firstTimerId = vertx.setTimer(1, id -> {
        firstTimerId = -1;
        tick();
      });
      start(firstPeriodic);
    }

    void stop() {
      if (firstTimerId >= 0) {
        vertx.cancelTimer(firstTimerId);
        firstTimerId = -1;
      }
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
    }

    private void tick() {
      if (busy) {
        skipped++;
        LOG.debug("scrape skipped target={} reason=previous_scrape_running skipped_total={}",
            collector.target(), skipped);
        writeHealth(clock.instant());
        return;
      }
      busy = true;
      long startNanos = System.nanoTime();
      Future<List<Sample>> scrape;
      try {
        scrape = collector.scrape(context);
      } catch (RuntimeException e) {
        scrape = Future.failedFuture(e);
      }
      // An event-loop timer rather than Future.timeout, which schedules on Netty's global executor
      // and so starts that executor's thread again at nearly every scrape.
      long timeoutMillis = context.timeout().toMillis();
      Promise<List<Sample>> outcome = Promise.promise();
      long deadline = vertx.setTimer(timeoutMillis, id -> outcome.tryFail(
          new TimeoutException("no result within the scrape timeout of " + timeoutMillis + " ms")));
      scrape.onComplete(done -> {
        busy = false;
        vertx.cancelTimer(deadline);
        if (done.succeeded()) {
          outcome.tryComplete(done.result());
        } else {
          outcome.tryFail(done.cause());
        }
      });
      outcome.future().onComplete(result -> {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (result.succeeded()) {
          succeeded(result.result(), seconds);
        } else {
          failed(result.cause(), seconds);
        }
        afterScrape.run();
      });
    }

    private void succeeded(List<Sample> samples, double seconds) {
      Instant now = clock.instant();
      store.applyScrape(owner(collector.target()), samples, now);
      if (!up && everScraped) {
        LOG.info("target recovered target={} after_error=\"{}\"", collector.target(), lastError);
      }
      up = true;
      lastError = "";
      finish(now, seconds);
    }

    private void failed(Throwable cause, double seconds) {
      Instant now = clock.instant();
      store.markFailed(owner(collector.target()));
      String message = describe(cause);
      if (up || !everScraped || !message.equals(lastError)) {
        LOG.warn("scrape failed target={} error=\"{}\"", collector.target(), message);
      }
      up = false;
      lastError = message;
      finish(now, seconds);
    }

    private void finish(Instant now, double seconds) {
      everScraped = true;
      completedScrapes++;
      lastDurationSeconds = seconds;
      lastScrape = now;
      writeHealth(now);
    }

    private void writeHealth(Instant now) {
      TargetId target = collector.target();
      Labels labels = Labels.of("source", target.source(), "target", target.name())
          .withAll(collector.healthLabels());
      List<Sample> samples = new ArrayList<>(3);
      if (everScraped) {
        samples.add(Sample.gauge("freightwatch_target_up",
            "1 when the latest scrape of the target succeeded, 0 when it failed.",
            up ? 1 : 0, labels));
        samples.add(Sample.gauge("freightwatch_scrape_duration_seconds",
            "Duration of the latest scrape of the target.", lastDurationSeconds, labels));
      }
      samples.add(Sample.counter("freightwatch_scrapes_skipped_total",
          "Scrapes skipped because the previous scrape of the target was still running.",
          skipped, labels));
      store.applyScrape(healthOwner(target), samples, now);
    }

    TargetHealth health() {
      return new TargetHealth(collector.target(), everScraped, up,
          Optional.ofNullable(lastScrape), lastDurationSeconds, lastError, skipped);
    }
  }

  private static String describe(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return "timed out: " + cause.getMessage();
    }
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }
}
