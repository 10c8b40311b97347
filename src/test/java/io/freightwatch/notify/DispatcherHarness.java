package io.freightwatch.notify;

import io.freightwatch.config.NotifyConfig;
import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.config.RouteConfig;
import io.freightwatch.config.Secret;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.store.SeriesStore;
import io.freightwatch.store.durable.DurableStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A dispatcher with a real durable store in a test directory, run on one Vert.x context, usually
 * driven by a {@link TestClock}. {@link #restart} closes and reopens the store as an agent restart
 * would.
 */
public final class DispatcherHarness implements AutoCloseable {

  private final Path directory;
  private final Clock clock;
  private final List<ReceiverConfig> receivers;
  private final NotifyConfig routing;
  private final BiFunction<ReceiverConfig, WebClient, Receiver> factory;
  private final Duration restoreGrace;
  private final Vertx vertx;
  private final Context context;
  private final WebClient client;
  private WorkerExecutor outboxWorker;
  private DurableStore store;
  private NotificationDispatcher dispatcher;
  private SeriesStore series;

  public DispatcherHarness(
      Path directory,
      Clock clock,
      List<ReceiverConfig> receivers,
      NotifyConfig routing,
      BiFunction<ReceiverConfig, WebClient, Receiver> factory,
      Duration restoreGrace) {
    this.directory = directory;
    this.clock = clock;
    this.receivers = receivers;
    this.routing = routing;
    this.factory = factory;
    this.restoreGrace = restoreGrace;
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setMaxEventLoopExecuteTime(200)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    this.context = vertx.getOrCreateContext();
    this.client = WebClient.create(vertx);
    open();
  }

  /** Routing where every receiver gets every alert at once, one message per change. */
  public static NotifyConfig perReceiver(List<ReceiverConfig> receivers) {
    return new NotifyConfig(RouteConfig.perReceiver(receivers), "");
  }

  /** A webhook-type receiver config with short backoffs. */
  public static ReceiverConfig receiver(String name, String type, String url) {
    return new ReceiverConfig(
        name,
        type,
        new Secret(url, "inline"),
        Map.of(),
        List.of(),
        true,
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        Duration.ofMinutes(5),
        Duration.ofHours(24));
  }

  public void evaluate(List<AlertEvent> events, List<Alert> active) {
    run(() -> dispatcher.onEvaluation(events, active));
  }

  public void tick() {
    run(() -> dispatcher.tick());
  }

  public int queued(String receiver) {
    return call(() -> dispatcher.queued(receiver));
  }

  public SeriesStore series() {
    return series;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Stops the dispatcher, closes the store, and starts both again from the same directory. */
  public void restart() {
    shutdown();
    open();
  }

  public void run(Runnable action) {
    call(
        () -> {
          action.run();
          return null;
        });
  }

  public <T> T call(Supplier<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            result.complete(action.get());
          } catch (Throwable e) {
            result.completeExceptionally(e);
          }
        });
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("action on the dispatcher's context failed", e);
    }
  }

  private void open() {
    outboxWorker = vertx.createSharedWorkerExecutor("test-outbox-" + System.nanoTime(), 1);
    store = DurableStore.open(directory);
    startDispatcher();
  }

  private void startDispatcher() {
    Outbox outbox = new Outbox(store, outboxWorker);
    series = new SeriesStore(Duration.ofMinutes(10));
    Map<String, Receiver> implementations = new LinkedHashMap<>();
    for (ReceiverConfig config : receivers) {
      implementations.put(config.name(), factory.apply(config, client));
    }
    Future<Void> started =
        call(
            () -> {
              dispatcher =
                  new NotificationDispatcher(
                      vertx,
                      clock,
                      series,
                      outbox,
                      receivers,
                      routing,
                      implementations,
                      MuteSchedule.NEVER,
                      restoreGrace);
              return dispatcher.start();
            });
    try {
      started.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("dispatcher did not start", e);
    }
  }

  private void shutdown() {
    run(() -> dispatcher.stop());
    store.close();
    outboxWorker.close();
  }

  @Override
  public void close() {
    if (store != null) {
      shutdown();
    }
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("vertx did not stop", e);
    }
  }
}
