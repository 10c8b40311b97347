package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.config.OdooHttpTarget;
import io.freightwatch.store.Sample;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.RunTestOnContext;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Probes a local Vert.x HTTP server that serves {@code /web/health} the way Odoo 16, 17 and 18
 * do, fails with 503 as a proxy without upstream does, or never replies as a hung worker pool
 * does. Odoo itself cannot run on the build machines, so the replies copy Odoo's health route:
 * 200 {@code {"status": "pass"}}, with {@code "db_server_status": true} when asked on builds that
 * know the parameter, and 500 with {@code "db_server_status": false} when PostgreSQL is down.
 */
@ExtendWith(VertxExtension.class)
class OdooHttpCollectorIT {

  /** A low limit, so that any blocking on the event loop is reported in the test output. */
  @RegisterExtension
  final RunTestOnContext onContext = new RunTestOnContext(new VertxOptions()
      .setMaxEventLoopExecuteTime(200)
      .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
      .setBlockedThreadCheckInterval(50)
      .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS), false);

  private final List<HttpServerRequest> requests = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<OdooHttpCollector> collectors = new ArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Instant now = Instant.parse("2026-12-01T10:00:00Z");
  private HttpServer server;

  @BeforeEach
  void start(VertxTestContext test) {
    logs.start();
    ((Logger) LoggerFactory.getLogger(OdooHttpCollector.class)).addAppender(logs);
    startServer().onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void stopCapture() {
    ((Logger) LoggerFactory.getLogger(OdooHttpCollector.class)).detachAppender(logs);
    collectors.forEach(OdooHttpCollector::close);
  }

  @Test
  void answeringWorkersWithDatabaseAreUp(VertxTestContext test) {
    scrape(collector("odoo17", OdooHttpTarget.Endpoint.HEALTH, true))
        .onComplete(test.succeeding(samples -> test.verify(() -> {
          assertThat(values(samples)).containsEntry("freightwatch_odoo_http_up", 1.0)
              .containsEntry("freightwatch_odoo_http_status_code", 200.0)
              .containsEntry("freightwatch_odoo_http_db_up", 1.0)
              .containsKey("freightwatch_odoo_http_latency_seconds");
          assertThat(samples.get(0).labels().asMap())
              .containsExactlyInAnyOrderEntriesOf(Map.of("tenant", "acme", "service", "odoo17"));
          assertThat(requests.get(0).method().name()).isEqualTo("GET");
          assertThat(requests.get(0).uri()).isEqualTo("/odoo17/web/health?db_server_status=1");
          test.completeNow();
        })));
  }

  @Test
  void unavailableReplyIsDown(VertxTestContext test) {
    scrape(collector("unavailable", OdooHttpTarget.Endpoint.HEALTH, true))
        .onComplete(test.succeeding(samples -> test.verify(() -> {
          assertThat(values(samples)).containsEntry("freightwatch_odoo_http_up", 0.0)
              .containsEntry("freightwatch_odoo_http_status_code", 503.0)
              .doesNotContainKey("freightwatch_odoo_http_db_up");
          assertThat(messages(Level.WARN)).containsExactly("odoo http service not replying"
              + " target=odoo_http/unavailable url=" + url("unavailable")
              + " error=\"GET /web/health returned HTTP 503\"");
          test.completeNow();
        })));
  }

  @Test
  void hungPoolIsDownWithinTimeout(VertxTestContext test) {
    OdooHttpCollector hung = collector("hung", OdooHttpTarget.Endpoint.HEALTH, true);
    long[] startNanos = new long[1];
    startNanos[0] = System.nanoTime();
    scrape(hung)
        .compose(first -> scrape(hung).map(second -> List.of(first, second)))
        .onComplete(test.succeeding(scrapes -> test.verify(() -> {
          double seconds = (System.nanoTime() - startNanos[0]) / 1e9;
          for (List<Sample> samples : scrapes) {
            assertThat(values(samples)).containsOnlyKeys("freightwatch_odoo_http_up")
                .containsEntry("freightwatch_odoo_http_up", 0.0);
          }
          // Two probes of 500 ms each; the scrape timeout of 5 s was never reached.
          assertThat(seconds).isLessThan(2.0);
          assertThat(requests).hasSize(2);
          assertThat(messages(Level.WARN)).containsExactly("odoo http service not replying"
              + " target=odoo_http/hung url=" + url("hung")
              + " error=\"no reply within 500 ms; the workers are busy or hung\"");
          test.completeNow();
        })));
  }

  @Test
  void endlessReplyIsCutAtItsCap(VertxTestContext test) {
    scrape(collector("endless", OdooHttpTarget.Endpoint.HEALTH, false))
        .onComplete(test.succeeding(samples -> test.verify(() -> {
          assertThat(values(samples)).containsOnlyKeys("freightwatch_odoo_http_up")
              .containsEntry("freightwatch_odoo_http_up", 0.0);
          assertThat(messages(Level.WARN)).singleElement().asString()
              .endsWith("error=\"the reply is longer than 262144 bytes\"");
          test.completeNow();
        })));
  }

  @Test
  void tricklingReplyEndsAtTheTimeout(VertxTestContext test) {
    long startNanos = System.nanoTime();
    scrape(collector("trickle", OdooHttpTarget.Endpoint.HEALTH, false))
        .onComplete(test.succeeding(samples -> test.verify(() -> {
          double seconds = (System.nanoTime() - startNanos) / 1e9;
          assertThat(values(samples)).containsEntry("freightwatch_odoo_http_up", 0.0);
          // The 2 s timeout bounds the whole exchange, not each wait for a byte.
          assertThat(seconds).isLessThan(3.0);
          assertThat(messages(Level.WARN)).singleElement().asString()
              .endsWith("error=\"no reply within 2000 ms; the workers are busy or hung\"");
          test.completeNow();
        })));
  }

  @Test
  void databaseFailureStillReplies(VertxTestContext test) {
    scrape(collector("dbdown", OdooHttpTarget.Endpoint.HEALTH, true))
        .onComplete(test.succeeding(samples -> test.verify(() -> {
          assertThat(values(samples)).containsEntry("freightwatch_odoo_http_up", 1.0)
              .containsEntry("freightwatch_odoo_http_status_code", 500.0)
              .containsEntry("freightwatch_odoo_http_db_up", 0.0);
          test.completeNow();
        })));
  }

  @Test
  void ignoredParameterIsLeftOutForHour(VertxTestContext test) {
    OdooHttpCollector odoo16 = collector("odoo16", OdooHttpTarget.Endpoint.HEALTH, true);
    scrape(odoo16)
        .compose(first -> {
          now = now.plus(Duration.ofMinutes(30));
          return scrape(odoo16);
        })
        .compose(second -> {
          now = now.plus(Duration.ofMinutes(31));
          return scrape(odoo16);
        })
        .onComplete(test.succeeding(third -> test.verify(() -> {
          assertThat(values(third)).containsEntry("freightwatch_odoo_http_up", 1.0)
              .doesNotContainKey("freightwatch_odoo_http_db_up");
          assertThat(requests).extracting(HttpServerRequest::uri).containsExactly(
              "/odoo16/web/health?db_server_status=1", "/odoo16/web/health",
              "/odoo16/web/health?db_server_status=1");
          test.completeNow();
        })));
  }

  @Test
  void versionInfoAnswersOlderBuilds(VertxTestContext test) {
    scrape(collector("odoo14", OdooHttpTarget.Endpoint.VERSION_INFO, true))
        .onComplete(test.succeeding(samples -> test.verify(() -> {
          assertThat(values(samples)).containsEntry("freightwatch_odoo_http_up", 1.0)
              .containsEntry("freightwatch_odoo_http_status_code", 200.0)
              .doesNotContainKey("freightwatch_odoo_http_db_up");
          assertThat(requests.get(0).method().name()).isEqualTo("POST");
          assertThat(requests.get(0).uri()).isEqualTo("/odoo14/web/webclient/version_info");
          assertThat(bodies.get(0)).contains("\"method\":\"call\"");
          test.completeNow();
        })));
  }

  @Test
  void recoveryIsLoggedOnce(VertxTestContext test) {
    OdooHttpCollector flapping = collector("flapping", OdooHttpTarget.Endpoint.HEALTH, false);
    scrape(flapping)
        .compose(down -> scrape(flapping))
        .compose(down -> scrape(flapping))
        .compose(up -> scrape(flapping))
        .onComplete(test.succeeding(last -> test.verify(() -> {
          assertThat(values(last)).containsEntry("freightwatch_odoo_http_up", 1.0);
          assertThat(messages(Level.WARN)).hasSize(1);
          assertThat(messages(Level.INFO)).containsExactly("odoo http service replies again"
              + " target=odoo_http/flapping url=" + url("flapping"));
          test.completeNow();
        })));
  }

  @Test
  void refusedConnectionIsDown(VertxTestContext test) {
    OdooHttpTarget closed = new OdooHttpTarget("closed", "acme",
        URI.create("http://127.0.0.1:1"), Duration.ofSeconds(15), Duration.ofMillis(300),
        OdooHttpTarget.Endpoint.HEALTH, true);
    OdooHttpCollector collector = new OdooHttpCollector(closed);
    collectors.add(collector);
    scrape(collector).onComplete(test.succeeding(samples -> test.verify(() -> {
      assertThat(values(samples)).containsOnlyKeys("freightwatch_odoo_http_up")
          .containsEntry("freightwatch_odoo_http_up", 0.0);
      test.completeNow();
    })));
  }

  @Test
  void garbageReplyIsDownWithoutErrors(VertxTestContext test) {
    ListAppender<ILoggingEvent> everything = new ListAppender<>();
    everything.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(everything);
    onContext.vertx().createNetServer()
        // A service on the probe's port that is not HTTP, e.g. a database or a TLS port.
        .connectHandler(socket -> socket.handler(request ->
            socket.write("\u0000\u0001garbage that is no HTTP status line\r\n\r\n")))
        .listen(0, "127.0.0.1")
        .compose(garbage -> {
          OdooHttpCollector collector = new OdooHttpCollector(new OdooHttpTarget("garbage", "acme",
              URI.create("http://127.0.0.1:" + garbage.actualPort()), Duration.ofSeconds(15),
              Duration.ofSeconds(2), OdooHttpTarget.Endpoint.HEALTH, true));
          collectors.add(collector);
          return scrape(collector)
              .compose(first -> scrape(collector))
              .compose(second -> scrape(collector))
              .eventually(() -> garbage.close());
        })
        .onComplete(test.succeeding(samples -> test.verify(() -> {
          root.detachAppender(everything);
          assertThat(values(samples)).containsOnlyKeys("freightwatch_odoo_http_up")
              .containsEntry("freightwatch_odoo_http_up", 0.0);
          assertThat(everything.list).filteredOn(event -> event.getLevel() == Level.ERROR)
              .extracting(event -> event.getLoggerName() + ": " + event.getFormattedMessage())
              .isEmpty();
          assertThat(messages(Level.WARN)).singleElement().asString()
              .startsWith("odoo http service not replying target=odoo_http/garbage url=http://"
                  + "127.0.0.1:")
              .contains("error=\"the reply is not HTTP");
          test.completeNow();
        })));
  }

  // ---- helpers

  private Future<Integer> startServer() {
    int[] flapping = {0};
    return onContext.vertx().createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
        .requestHandler(request -> request.body().onSuccess(body -> {
          requests.add(request);
          bodies.add(body.toString());
          String service = request.path().split("/")[1];
          switch (service) {
            case "odoo17", "dbdown" -> health(request, service.equals("odoo17"));
            case "odoo16" -> json(request, 200, "{\"status\": \"pass\"}");
            case "unavailable" -> request.response().setStatusCode(503)
                .end("<html><body>no healthy upstream</body></html>");
            case "hung" -> { }
            case "endless" -> {
              // Headers at once, then a chunked body that never ends.
              request.response().setChunked(true).putHeader("Content-Type", "application/json");
              onContext.vertx().setPeriodic(5, timer -> {
                if (request.response().closed()) {
                  onContext.vertx().cancelTimer(timer);
                } else {
                  request.response().write(Buffer.buffer(new byte[8192]));
                }
              });
            }
            case "trickle" -> {
              // One byte every 100 ms: never idle for the idle timeout, never finished.
              request.response().setChunked(true).putHeader("Content-Type", "application/json");
              onContext.vertx().setPeriodic(100, timer -> {
                if (request.response().closed()) {
                  onContext.vertx().cancelTimer(timer);
                } else {
                  request.response().write("{");
                }
              });
            }
            case "odoo14" -> json(request, 200, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"result\":"
                + " {\"server_version\": \"14.0\", \"server_serie\": \"14.0\"}}");
            case "flapping" -> {
              if (flapping[0]++ < 2) {
                request.response().setStatusCode(502).end();
              } else {
                json(request, 200, "{\"status\": \"pass\"}");
              }
            }
            default -> request.response().setStatusCode(404).end();
          }
        }))
        .listen(0)
        .map(listening -> {
          server = listening;
          return listening.actualPort();
        });
  }

  private static void health(HttpServerRequest request, boolean databaseUp) {
    if (request.getParam("db_server_status") == null) {
      json(request, 200, "{\"status\": \"pass\"}");
    } else if (databaseUp) {
      json(request, 200, "{\"status\": \"pass\", \"db_server_status\": true}");
    } else {
      json(request, 500, "{\"status\": \"fail\", \"db_server_status\": false}");
    }
  }

  private static void json(HttpServerRequest request, int status, String body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(body);
  }

  /**
   * Creates a collector with a 2 s timeout, which a cold client on a busy machine needs for its
   * first request, and 500 ms for the service that never replies.
   */
  private OdooHttpCollector collector(String service, OdooHttpTarget.Endpoint endpoint,
      boolean checkDatabase) {
    Duration timeout = service.equals("hung") ? Duration.ofMillis(500) : Duration.ofSeconds(2);
    OdooHttpCollector collector = new OdooHttpCollector(new OdooHttpTarget(service, "acme",
        URI.create(url(service)), Duration.ofSeconds(15), timeout, endpoint, checkDatabase));
    collectors.add(collector);
    return collector;
  }

  private String url(String service) {
    return "http://127.0.0.1:" + server.actualPort() + "/" + service;
  }

  private Future<List<Sample>> scrape(OdooHttpCollector collector) {
    Vertx vertx = onContext.vertx();
    Clock clock = new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
    ScrapeContext context = new ScrapeContext(vertx,
        vertx.createSharedWorkerExecutor("odoo-http-it"), clock, Duration.ofSeconds(5));
    return collector.scrape(context);
  }

  private static Map<String, Double> values(List<Sample> samples) {
    return samples.stream().collect(Collectors.toMap(Sample::name, Sample::value));
  }

  private List<String> messages(Level level) {
    return logs.list.stream().filter(event -> event.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }
}
