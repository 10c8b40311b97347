package io.freightwatch.collect.redis;

import io.freightwatch.collect.Collector;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.collect.TargetId;
import io.freightwatch.config.RedisTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes one Redis server: {@code INFO} (memory, clients, stats, replication, persistence,
 * keyspace; see {@link RedisSamples}), new {@code SLOWLOG} entries, {@code LATENCY LATEST} and the
 * lengths of the configured queue keys. The commands go out together on one connection, so a scrape
 * costs one round trip. A failed {@code INFO} fails the scrape. The other commands may be renamed
 * or denied on managed services ({@code NOPERM}, unknown command); their failure is reported as
 * {@value #COMMAND_UP} 0 and logged once per change of the error.
 *
 * <p>The collector keeps one connection, opened at the first scrape with the target's TLS setting,
 * ACL user and password. Lettuce reconnects it after a failure. While it is disconnected, commands
 * are rejected at once, so a scrape fails instead of waiting in Lettuce's queue. Every command and
 * the connect are limited by {@link RedisTarget#timeout()}. Results come back on the Vert.x context
 * that called {@link #scrape}, which is the only context that touches this collector's state.
 */
public final class RedisCollector implements Collector {

  static final String COMMAND_UP = "freightwatch_redis_command_up";
  static final String QUEUE_LENGTH = "freightwatch_redis_queue_length";

  /** Slow log entries read per scrape: the server's default slowlog-max-len. */
  static final int SLOWLOG_COUNT = 128;

  /** Tick of the timer that ends Redis commands at their timeout. */
  static final long TIMER_TICK_MILLIS = 250;

  private static final Logger LOG = LoggerFactory.getLogger(RedisCollector.class);

  private static final ProtocolKeyword LATENCY =
      new ProtocolKeyword() {
        private final byte[] bytes = "LATENCY".getBytes(StandardCharsets.US_ASCII);

        @Override
        public byte[] getBytes() {
          return bytes;
        }

        @Override
        public String toString() {
          return "LATENCY";
        }
      };

  private final RedisTarget target;
  private final RedisURI uri;
  private final RedisClient client;
  private final TargetId id;
  private final Labels labels;
  private final KeyspaceHitRatio hitRatio = new KeyspaceHitRatio();
  private final SlowlogTracker slowlog = new SlowlogTracker();
  private final Map<String, String> lastErrors = new HashMap<>();

  private StatefulRedisConnection<String, String> connection;
  private boolean closed;

  /**
   * @param target the server to scrape
   * @param resources the Lettuce thread pools shared by all Redis collectors, such as {@link
   *     #createClientResources()}; the caller shuts them down after closing every collector
   */
  public RedisCollector(RedisTarget target, ClientResources resources) {
    this.target = Objects.requireNonNull(target, "target");
    this.uri = uri(target);
    this.client = RedisClient.create(Objects.requireNonNull(resources, "resources"), uri);
    ClientOptions.Builder options = ClientOptions.builder();
    target.caFile().ifPresent(
        file -> options.sslOptions(SslOptions.builder().trustManager(file.toFile()).build()));
    this.client.setOptions(
        options
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder().connectTimeout(target.timeout()).keepAlive(true).build())
            .timeoutOptions(TimeoutOptions.enabled(target.timeout()))
            .build());
    this.id = new TargetId("redis", target.name());
    this.labels = Labels.of("instance", target.name());
  }

  /**
   * Creates Lettuce thread pools for all Redis collectors of the agent, with two I/O threads and
   * two computation threads, the minimum of DefaultClientResources. A scrape sends one small
   * command per interval, so more threads would only cost memory.
   *
   * <p>The command timeouts run on a timer that ticks every {@link #TIMER_TICK_MILLIS} ms instead
   * of Lettuce's default 100 ms: a timeout of a few seconds then ends up to a quarter of a second
   * late, and the timer's thread wakes 4 times a second instead of 10. Lettuce does not stop a
   * timer it was given: {@link #shutdown} stops it after the resources.
   */
  public static ClientResources createClientResources() {
    HashedWheelTimer timer = new HashedWheelTimer(
        new DefaultThreadFactory("lettuce-timer", true), TIMER_TICK_MILLIS, TimeUnit.MILLISECONDS);
    return DefaultClientResources.builder()
        .ioThreadPoolSize(DefaultClientResources.MIN_IO_THREADS)
        .computationThreadPoolSize(DefaultClientResources.MIN_COMPUTATION_THREADS)
        .timer(timer)
        .build();
  }

  /**
   * Shuts down resources made by {@link #createClientResources()} and then their timer.
   *
   * @return completes when both have stopped; it never fails
   */
  public static CompletableFuture<Void> shutdown(ClientResources resources) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    resources.shutdown(0, 2, TimeUnit.SECONDS).addListener(stopped -> {
      try {
        resources.timer().stop();
      } finally {
        done.complete(null);
      }
    });
    return done;
  }

  @Override
  public TargetId target() {
    return id;
  }

  @Override
  public Duration interval() {
    return target.interval();
  }

  /** Sends the commands and returns their samples; the future fails naming the target. */
  @Override
  public Future<List<Sample>> scrape(ScrapeContext context) {
    Context caller = context.vertx().getOrCreateContext();
    Future<List<Sample>> samples =
        connected(context, caller)
            .compose(open -> send(open.async(), caller, context))
            // Connect and command each have the target's timeout, so together they may need twice
            // that. This bounds the whole scrape by the scheduler's limit.
            .timeout(context.timeout().toMillis(), TimeUnit.MILLISECONDS)
            .recover(failure -> Future.failedFuture(describe(failure)));
    return later(samples, caller);
  }

  private Future<List<Sample>> send(
      RedisAsyncCommands<String, String> commands, Context caller, ScrapeContext context) {
    Future<String> info = Future.fromCompletionStage(commands.info(), caller);
    Future<List<Object>> slowlogReply =
        Future.fromCompletionStage(commands.slowlogGet(SLOWLOG_COUNT), caller);
    Future<List<Object>> latencyReply =
        Future.fromCompletionStage(
            commands.dispatch(
                LATENCY,
                new NestedMultiOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("LATEST")),
            caller);
    Map<RedisTarget.Queue, Future<Long>> lengths = new LinkedHashMap<>();
    for (RedisTarget.Queue queue : target.queues()) {
      lengths.put(queue, Future.fromCompletionStage(length(commands, queue), caller));
    }
    List<Future<?>> all = new ArrayList<>(List.of(info, slowlogReply, latencyReply));
    all.addAll(lengths.values());
    return Future.join(all)
        .transform(
            done -> {
              if (info.failed()) {
                return Future.failedFuture(info.cause());
              }
              return Future.succeededFuture(
                  samples(info.result(), slowlogReply, latencyReply, lengths, context));
            });
  }

  private List<Sample> samples(
      String infoReply,
      Future<List<Object>> slowlogReply,
      Future<List<Object>> latencyReply,
      Map<RedisTarget.Queue, Future<Long>> lengths,
      ScrapeContext context) {
    RedisInfo info = RedisInfo.parse(infoReply);
    List<Sample> samples =
        new ArrayList<>(RedisSamples.of(labels, info, hitRatio, context.clock().instant()));
    if (succeeded("slowlog", slowlogReply, samples)) {
      try {
        List<SlowlogTracker.Entry> entries = new ArrayList<>();
        for (Object element : slowlogReply.result()) {
          entries.add(SlowlogTracker.Entry.parse(element));
        }
        slowlog.addSamples(labels, info.get("run_id").orElse(""), entries, SLOWLOG_COUNT, samples);
      } catch (IllegalArgumentException malformed) {
        logChange("slowlog", malformed);
      }
    }
    if (succeeded("latency", latencyReply, samples)) {
      LatencyEvents.addSamples(labels, latencyReply.result(), samples);
    }
    lengths.forEach(
        (queue, length) -> {
          if (length.succeeded()) {
            samples.add(Sample.gauge(QUEUE_LENGTH,
                "Length of a configured key: LLEN, ZCARD or XLEN; 0 when the key does not exist",
                length.result(),
                labels.with("queue", queue.name()).with("key", queue.key())));
          } else {
            logChange("queue " + queue.key(), length.cause());
          }
        });
    return samples;
  }

  private boolean succeeded(String command, Future<?> reply, List<Sample> samples) {
    samples.add(Sample.gauge(COMMAND_UP, "1 when the command succeeded in the latest scrape",
        reply.succeeded() ? 1 : 0, labels.with("command", command)));
    if (reply.failed()) {
      logChange(command, reply.cause());
    } else if (lastErrors.remove(command) != null) {
      LOG.info("redis command recovered target={} command={}", target.name(), command);
    }
    return reply.succeeded();
  }

  private void logChange(String command, Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    if (!message.equals(lastErrors.put(command, message))) {
      LOG.warn("redis command failed target={} command={} error=\"{}\"", target.name(), command,
          message);
    }
  }

  private static CompletionStage<Long> length(
      RedisAsyncCommands<String, String> commands, RedisTarget.Queue queue) {
    return switch (queue.type()) {
      case LIST -> commands.llen(queue.key());
      case ZSET -> commands.zcard(queue.key());
      case STREAM -> commands.xlen(queue.key());
    };
  }

  /** Closes the connection and the client; the shared resources stay open. */
  @Override
  public Future<Void> close() {
    closed = true;
    Context caller = Vertx.currentContext();
    StatefulRedisConnection<String, String> open = connection;
    connection = null;
    Future<Void> closing =
        open == null ? Future.succeededFuture() : fromStage(open.closeAsync(), caller);
    Future<Void> shutdown =
        closing.compose(
            ignored ->
                fromStage(
                    client.shutdownAsync(0, target.timeout().toMillis(), TimeUnit.MILLISECONDS),
                    caller));
    return caller == null ? shutdown : later(shutdown, caller);
  }

  /**
   * Returns a future that completes like {@code result}, always in a later task of {@code caller}.
   * Lettuce's I/O threads can finish every reply before the scrape has wired up its futures. The
   * chain would then complete inside the calling task, so when the result arrives would depend on
   * thread timing.
   */
  private static <T> Future<T> later(Future<T> result, Context caller) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    result.onComplete(outcome -> caller.runOnContext(ignored -> promise.handle(outcome)));
    return promise.future();
  }

  /**
   * Returns the open connection or opens one. Lettuce's connect call resolves the address and, the
   * first time, loads Netty's TLS and channel classes, which can take seconds. So it runs on the
   * worker pool, and the event loop does not wait for it.
   */
  private Future<StatefulRedisConnection<String, String>> connected(ScrapeContext context,
      Context caller) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("collector is closed"));
    }
    if (connection != null) {
      return Future.succeededFuture(connection);
    }
    return context.blocking(() -> client.connectAsync(StringCodec.UTF8, uri))
        .compose(pending -> Future.fromCompletionStage(pending, caller))
        .onSuccess(
            open -> {
              if (closed) {
                open.closeAsync();
                return;
              }
              connection = open;
              LOG.info("redis connected; target={} address={}", target.name(), target.address());
            });
  }

  private Throwable describe(Throwable failure) {
    return new RedisException(
        "Redis target " + target.name() + " (" + target.address() + "): " + failure.getMessage(),
        failure);
  }

  private static RedisURI uri(RedisTarget target) {
    RedisURI.Builder builder =
        RedisURI.builder()
            .withHost(target.host())
            .withPort(target.port())
            .withSsl(target.tls())
            .withDatabase(target.database())
            .withTimeout(target.timeout());
    if (!target.user().isEmpty()) {
      builder.withAuthentication(target.user(), target.password().reveal());
    } else if (!target.password().isEmpty()) {
      builder.withPassword(target.password().reveal());
    }
    return builder.build();
  }

  private static Future<Void> fromStage(CompletionStage<Void> stage, Context caller) {
    return caller == null
        ? Future.fromCompletionStage(stage)
        : Future.fromCompletionStage(stage, caller);
  }
}
