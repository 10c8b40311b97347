package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.Collector;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.store.Sample;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs collectors the way the scheduler does: {@code scrape} is called on an event loop and
 * blocking work goes to a named worker pool. Each successful call checks that {@code scrape}
 * returned before its result was ready, which fails for a collector doing its I/O on the event
 * loop, and that the result arrived back on the event loop.
 */
public final class ScrapeHarness implements AutoCloseable {

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final ScrapeContext context;
  private final Context eventLoop;
  // Open except while a call runs on the event loop. Blocking tasks submitted during the call wait
  // for it, so a fast task cannot finish before the call returns and make its future look
  // complete on return, as if the I/O had run on the event loop.
  private volatile CountDownLatch callRunning = new CountDownLatch(0);

  public ScrapeHarness(Duration scrapeTimeout) {
    VertxOptions options =
        new VertxOptions()
            .setEventLoopPoolSize(1)
            .setMaxEventLoopExecuteTime(200)
            .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
            .setBlockedThreadCheckInterval(100);
    this.vertx = Vertx.vertx(options);
    this.workers = vertx.createSharedWorkerExecutor("fw-test-jdbc", 8, 60, TimeUnit.SECONDS);
    this.context = new ScrapeContext(vertx, new AfterCallExecutor(), Clock.systemUTC(),
        scrapeTimeout);
    this.eventLoop = vertx.getOrCreateContext();
  }

  public ScrapeContext context() {
    return context;
  }

  /** Scrapes once and returns the samples; fails the test when the scrape failed. */
  public List<Sample> scrape(Collector collector) {
    return await(() -> collector.scrape(context));
  }

  /** Scrapes once and returns the failure; fails the test when the scrape succeeded. */
  public Throwable scrapeFailure(Collector collector) {
    try {
      List<Sample> samples = scrape(collector);
      throw new AssertionError("expected the scrape to fail; got " + samples);
    } catch (ScrapeFailed failed) {
      return failed.getCause();
    }
  }

  /**
   * Calls {@code call} on the event loop and waits for its future, which must complete on the event
   * loop. A successful future must not be complete yet when the call returns, because its result
   * needs I/O. A failure may be immediate, such as a command rejected while disconnected.
   */
  public <T> T await(Supplier<Future<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<Boolean> completeOnReturn = new CompletableFuture<>();
    eventLoop.runOnContext(
        ignored -> {
          CountDownLatch running = new CountDownLatch(1);
          callRunning = running;
          Future<T> future;
          try {
            future = call.get();
            completeOnReturn.complete(future.isComplete());
          } finally {
            running.countDown();
          }
          future.onComplete(
              outcome -> {
                if (!Context.isOnEventLoopThread()) {
                  result.completeExceptionally(
                      new AssertionError(
                          "result delivered on " + Thread.currentThread().getName()));
                } else if (outcome.succeeded()) {
                  result.complete(outcome.result());
                } else {
                  result.completeExceptionally(new ScrapeFailed(outcome.cause()));
                }
              });
        });
    T value;
    try {
      value = result.get(context.timeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof ScrapeFailed scrapeFailed) {
        throw scrapeFailed;
      }
      throw new AssertionError(failed.getCause());
    } catch (InterruptedException | TimeoutException notDone) {
      throw new AssertionError("no result within the scrape timeout plus 10 s", notDone);
    }
    assertReturnedBeforeCompletion(completeOnReturn);
    return value;
  }

  private static void assertReturnedBeforeCompletion(CompletableFuture<Boolean> completeOnReturn) {
    assertThat(completeOnReturn.getNow(true))
        .as("future already complete when the call returned: I/O ran on the event loop")
        .isFalse();
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() throws Exception {
    workers.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The harness's worker pool, whose tasks start only once the current call has returned. */
  private final class AfterCallExecutor implements WorkerExecutor {

    @Override
    public <T> Future<T> executeBlocking(Callable<T> task, boolean ordered) {
      CountDownLatch running = callRunning;
      return workers.executeBlocking(
          () -> {
            if (!running.await(10, TimeUnit.SECONDS)) {
              throw new IllegalStateException("the call on the event loop did not return in 10 s");
            }
            return task.call();
          },
          ordered);
    }

    @Override
    public Future<Void> close() {
      return workers.close();
    }
  }

  /** A scrape that completed with a failure; the cause is the collector's exception. */
  public static final class ScrapeFailed extends RuntimeException {
    ScrapeFailed(Throwable cause) {
      super("scrape failed: " + cause, cause);
    }
  }
}
