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
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes one Redis server with {@code INFO}: memory use against {@code maxmemory}, evictions,
 * clients and keyspace hits and misses.
 *
 * <p>The collector keeps one connection, opened at the first scrape with the target's TLS setting,
 * ACL user and password. Lettuce reconnects it after a failure. While it is disconnected, commands
 * are rejected at once, so a scrape fails instead of waiting in Lettuce's queue. Every command and
 * the connect are limited by {@link RedisTarget#timeout()}. Results come back on the Vert.x context
 * that called {@link #scrape}, which is the only context that touches this collector's state.
 */
public final class RedisCollector implements Collector {

  private static final Logger LOG = LoggerFactory.getLogger(RedisCollector.class);

  private final RedisTarget target;
  private final RedisURI uri;
  private final RedisClient client;
  private final TargetId id;
  private final Labels labels;
  private final KeyspaceHitRatio hitRatio = new KeyspaceHitRatio();

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
    this.client.setOptions(
        ClientOptions.builder()
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
   */
  public static ClientResources createClientResources() {
    return DefaultClientResources.builder()
        .ioThreadPoolSize(DefaultClientResources.MIN_IO_THREADS)
        .computationThreadPoolSize(DefaultClientResources.MIN_COMPUTATION_THREADS)
        .build();
  }

  @Override
  public TargetId target() {
    return id;
  }

  @Override
  public Duration interval() {
    return target.interval();
  }

  /** Sends {@code INFO} and returns its samples; the future fails naming the target. */
  @Override
  public Future<List<Sample>> scrape(ScrapeContext context) {
    Context caller = context.vertx().getOrCreateContext();
    return connected(caller)
        .compose(open -> Future.fromCompletionStage(open.async().info(), caller))
        .map(reply -> RedisSamples.of(labels, RedisInfo.parse(reply), hitRatio))
        // Connect and command each have the target's timeout, so together they may need twice
        // that. This bounds the whole scrape by the scheduler's limit.
        .timeout(context.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .recover(failure -> Future.failedFuture(describe(failure)));
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
    return closing.compose(
        ignored ->
            fromStage(
                client.shutdownAsync(0, target.timeout().toMillis(), TimeUnit.MILLISECONDS),
                caller));
  }

  private Future<StatefulRedisConnection<String, String>> connected(Context caller) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("collector is closed"));
    }
    if (connection != null) {
      return Future.succeededFuture(connection);
    }
    return Future.fromCompletionStage(client.connectAsync(StringCodec.UTF8, uri), caller)
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
