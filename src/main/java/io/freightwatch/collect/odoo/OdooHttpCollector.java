package io.freightwatch.collect.odoo;

import io.freightwatch.collect.Collector;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.collect.TargetId;
import io.freightwatch.config.OdooHttpTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.netty.handler.codec.DecoderException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes one Odoo HTTP service: {@code GET /web/health} (optionally with {@code
 * db_server_status=1}) or, for builds without that route, the JSON-RPC {@code POST
 * /web/webclient/version_info}. Requests go through the Vert.x HTTP client, so the event loop
 * never blocks. Each request is reset at the target's timeout, and at most 256 KB of its reply
 * is read.
 *
 * <p>A probe that gets no answer is data, not a failed scrape: the scrape succeeds and reports
 * {@code freightwatch_odoo_http_up 0}, because a worker pool whose workers are all busy or hung
 * accepts connections and never replies. The service is up when a worker replied on the route:
 * status 200, or for {@code /web/health} status 500 with {@code "db_server_status": false}, which
 * Odoo sends when its workers run but cannot reach PostgreSQL ({@code freightwatch_odoo_http_db_up
 * 0}). The reason for a down service is logged once when the state changes, not on every probe.
 * A reply that is not HTTP, such as another service on the port, is a down service too, and its
 * connection error is logged at DEBUG only, since the probe's own WARN line already reports it.
 *
 * <p>Called on the agent's event loop only, never twice at once, as the {@link Collector}
 * contract provides.
 */
public final class OdooHttpCollector implements Collector {

  /** How long the database parameter is left out after a build ignored it. */
  static final Duration DATABASE_CHECK_RETRY = Duration.ofHours(1);

  /** Replies longer than this are not parsed; a health reply is a few dozen bytes. */
  static final int MAX_PARSED_BODY_BYTES = 64 * 1024;
  /** Longest reply the probe reads; Odoo's health and version replies are under 1 KB. */
  static final int MAX_BODY_BYTES = 256 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(OdooHttpCollector.class);
  private static final String VERSION_INFO_REQUEST =
      "{\"jsonrpc\":\"2.0\",\"method\":\"call\",\"params\":{},\"id\":1}";

  private final OdooHttpTarget target;
  private final TargetId id;
  private final Labels labels;
  private HttpClient client;
  private Boolean lastUp;
  private Instant databaseCheckPausedUntil = Instant.MIN;

  public OdooHttpCollector(OdooHttpTarget target) {
    this.target = Objects.requireNonNull(target, "target");
    this.id = new TargetId("odoo_http", target.name());
    this.labels = Labels.of("tenant", target.tenant(), "service", target.name());
  }

  @Override
  public TargetId target() {
    return id;
  }

  @Override
  public Duration interval() {
    return target.interval();
  }

  @Override
  public Future<List<Sample>> scrape(ScrapeContext context) {
    // The probe must end before the scheduler's own timeout, so that a hung Odoo is reported as
    // down by this probe and not as a failed scrape.
    long timeoutMillis = Math.max(1, Math.min(target.timeout().toMillis(),
        context.timeout().toMillis() * 9 / 10));
    Instant now = context.clock().instant();
    boolean askDatabase = target.endpoint() == OdooHttpTarget.Endpoint.HEALTH
        && target.checkDatabase() && !now.isBefore(databaseCheckPausedUntil);
    long startNanos = System.nanoTime();
    return send(context.vertx(), askDatabase, timeoutMillis)
        .transform(result -> {
          double seconds = (System.nanoTime() - startNanos) / 1e9;
          ProbeResult probe = result.succeeded()
              ? classify(result.result(), seconds, askDatabase, now)
              : ProbeResult.noReply(describe(result.cause(), timeoutMillis));
          logStateChange(probe);
          return Future.succeededFuture(probe.samples(labels));
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

  /**
   * Sends the probe and reads at most {@link #MAX_BODY_BYTES} of the reply. The request is reset
   * when the deadline passes or the body grows past the cap, so a reply that trickles in or never
   * ends costs neither memory nor time beyond the target's timeout.
   */
  private Future<Reply> send(Vertx vertx, boolean askDatabase, long timeoutMillis) {
    if (client == null) {
      client = vertx.httpClientBuilder()
          .with(new HttpClientOptions().setKeepAlive(false)
              .setMaxInitialLineLength(4096).setMaxHeaderSize(16 * 1024))
          .withConnectHandler(this::watchConnection)
          .build();
    }
    String url = baseUrl() + target.endpoint().path();
    boolean health = target.endpoint() == OdooHttpTarget.Endpoint.HEALTH;
    RequestOptions options = new RequestOptions()
        .setMethod(health ? HttpMethod.GET : HttpMethod.POST)
        .setAbsoluteURI(health && askDatabase ? url + "?db_server_status=1" : url)
        .setConnectTimeout(timeoutMillis)
        .setIdleTimeout(timeoutMillis)
        .putHeader("User-Agent", "freightwatch");
    if (!health) {
      options.putHeader("Content-Type", "application/json");
    }
    Promise<Reply> reply = Promise.promise();
    HttpClientRequest[] sent = new HttpClientRequest[1];
    long deadline = vertx.setTimer(timeoutMillis, id -> {
      if (reply.tryFail(new TimeoutException("deadline")) && sent[0] != null) {
        sent[0].reset();
      }
    });
    client.request(options)
        .compose(request -> {
          sent[0] = request;
          return health ? request.send() : request.send(Buffer.buffer(VERSION_INFO_REQUEST));
        })
        .onFailure(reply::tryFail)
        .onSuccess(response -> {
          Buffer body = Buffer.buffer();
          response.exceptionHandler(reply::tryFail);
          response.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
              if (reply.tryFail(new IllegalStateException("the reply is longer than "
                  + MAX_BODY_BYTES + " bytes"))) {
                response.request().reset();
              }
              return;
            }
            body.appendBuffer(chunk);
          });
          response.endHandler(done -> reply.tryComplete(new Reply(response.statusCode(), body)));
        });
    return reply.future().onComplete(done -> vertx.cancelTimer(deadline));
  }

  /**
   * Handles errors of the connection itself. Without a handler, Vert.x logs each one at ERROR
   * with a stack trace, once per probe, although the request fails with the same error.
   */
  private void watchConnection(HttpConnection connection) {
    connection.exceptionHandler(failure -> LOG.debug(
        "odoo http connection failed target={} error=\"{}\"", id, failure.getMessage()));
  }

  /** Status and body of a probe's reply. */
  private record Reply(int statusCode, Buffer body) {}

  private ProbeResult classify(Reply response, double seconds,
      boolean askedDatabase, Instant now) {
    int status = response.statusCode();
    Optional<JsonObject> body = json(response.body());
    if (target.endpoint() == OdooHttpTarget.Endpoint.VERSION_INFO) {
      boolean answered = status == 200 && body.map(b -> b.getJsonObject("result"))
          .map(result -> result.getValue("server_version") != null).orElse(false);
      return new ProbeResult(answered, Optional.of(status), Optional.of(seconds), Optional.empty(),
          answered ? "" : "POST " + target.endpoint().path() + " returned HTTP " + status
              + " without a server_version");
    }
    Optional<Boolean> databaseUp = body.map(b -> b.getValue("db_server_status"))
        .filter(Boolean.class::isInstance).map(Boolean.class::cast);
    if (askedDatabase && status == 200 && databaseUp.isEmpty()) {
      databaseCheckPausedUntil = now.plus(DATABASE_CHECK_RETRY);
      LOG.info("odoo health reply has no db_server_status, so this build ignores the parameter;"
          + " leaving it out target={} retry_after={}", id, DATABASE_CHECK_RETRY);
    }
    boolean answered = status == 200 || (status == 500 && databaseUp.equals(Optional.of(false)));
    String reason = answered ? "" : "GET " + target.endpoint().path() + " returned HTTP " + status;
    return new ProbeResult(answered, Optional.of(status), Optional.of(seconds), databaseUp,
        reason);
  }

  private static Optional<JsonObject> json(Buffer body) {
    if (body == null || body.length() == 0 || body.length() > MAX_PARSED_BODY_BYTES) {
      return Optional.empty();
    }
    try {
      return Optional.of(new JsonObject(body));
    } catch (DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  private void logStateChange(ProbeResult probe) {
    if (lastUp != null && lastUp == probe.up()) {
      return;
    }
    if (probe.up()) {
      if (lastUp != null) {
        LOG.info("odoo http service replies again target={} url={}", id, baseUrl());
      }
    } else {
      LOG.warn("odoo http service not replying target={} url={} error=\"{}\"", id, baseUrl(),
          probe.reason());
    }
    lastUp = probe.up();
  }

  private String baseUrl() {
    String url = target.baseUrl().toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String describe(Throwable cause, long timeoutMillis) {
    if (cause instanceof TimeoutException || cause instanceof NoStackTraceTimeoutException) {
      return "no reply within " + timeoutMillis + " ms; the workers are busy or hung";
    }
    if (cause instanceof DecoderException) {
      return "the reply is not HTTP (" + cause.getMessage() + "); check that the URL points at"
          + " Odoo's HTTP port";
    }
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }

  /**
   * Outcome of one probe.
   *
   * @param up whether a worker replied on the route
   * @param status HTTP status of the reply, empty without a reply
   * @param latencySeconds time to the whole reply, empty without a reply
   * @param databaseUp Odoo's {@code db_server_status}, empty when the reply had none
   * @param reason why the service is down; empty when up
   */
  record ProbeResult(boolean up, Optional<Integer> status, Optional<Double> latencySeconds,
      Optional<Boolean> databaseUp, String reason) {

    static ProbeResult noReply(String reason) {
      return new ProbeResult(false, Optional.empty(), Optional.empty(), Optional.empty(), reason);
    }

    List<Sample> samples(Labels labels) {
      List<Sample> samples = new ArrayList<>(4);
      samples.add(Sample.gauge("freightwatch_odoo_http_up",
          "1 when an Odoo HTTP worker answered the latest health probe in time, 0 when none did.",
          up ? 1 : 0, labels));
      status.ifPresent(code -> samples.add(Sample.gauge("freightwatch_odoo_http_status_code",
          "HTTP status of the latest health probe's reply.", code, labels)));
      latencySeconds.ifPresent(seconds -> samples.add(Sample.gauge(
          "freightwatch_odoo_http_latency_seconds",
          "Time from sending the latest health probe to its whole reply.", seconds, labels)));
      databaseUp.ifPresent(ok -> samples.add(Sample.gauge("freightwatch_odoo_http_db_up",
          "1 when Odoo reached its database server in the latest health probe, 0 when not.",
          ok ? 1 : 0, labels)));
      return samples;
    }
  }
}
