package io.freightwatch.notify.azuremonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freightwatch.config.ExportConfig;
import io.freightwatch.export.StoreSnapshot;
import io.freightwatch.export.azuremonitor.AzureMonitorExporter;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyStoreOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Uploads through the Azure Monitor Ingestion SDK to a local HTTPS server with a test certificate
 * and a fixed token, which checks each request as the Logs Ingestion API documents it: bearer
 * token, {@code POST /dataCollectionRules/{id}/streams/{stream}?api-version=...}, JSON array body,
 * gzip, and requests under 1 MB.
 */
class LogsUploaderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULE_ID = "dcr-00112233445566778899aabbccddeeff";
  private static final String PASSWORD = "test-password";
  private static final TokenCredential TOKEN =
      request -> Mono.just(new AccessToken("test-token", OffsetDateTime.now().plusHours(1)));

  @TempDir Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Function<Integer, Integer> statusForRequest = n -> 204;
  private HttpServer server;
  private SSLContext trust;

  private record Received(
      String method,
      String path,
      String query,
      MultiMap headers,
      int compressedBytes,
      byte[] json,
      long atNanos) {
    JsonNode body() throws Exception {
      return JSON.readTree(json);
    }
  }

  @BeforeEach
  void startServer() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0)
        .as("keytool made a test certificate")
        .isTrue();
    server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setSsl(true)
                    .setKeyCertOptions(
                        new KeyStoreOptions()
                            .setType("PKCS12")
                            .setPath(keystore.toString())
                            .setPassword(PASSWORD)))
            .requestHandler(
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              byte[] json;
                              try (InputStream in =
                                  new GZIPInputStream(new ByteArrayInputStream(body.getBytes()))) {
                                json = in.readAllBytes();
                              } catch (Exception e) {
                                json = body.getBytes();
                              }
                              received.add(
                                  new Received(
                                      request.method().name(),
                                      request.path(),
                                      request.query(),
                                      MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                                      body.length(),
                                      json,
                                      System.nanoTime()));
                              int status = statusForRequest.apply(received.size());
                              var response = request.response().setStatusCode(status);
                              if (status == 429) {
                                response.putHeader("Retry-After", "2");
                              }
                              response.end();
                            }))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    trust = SSLContext.getInstance("TLS");
    trust.init(null, factory.getTrustManagers(), null);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private LogsUploader uploader() {
    HttpClient client =
        new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder().sslContext(trust))
            .responseTimeout(Duration.ofSeconds(10))
            .build();
    return new LogsUploader("https://127.0.0.1:" + server.actualPort(), RULE_ID, TOKEN, client);
  }

  private static Map<String, Object> row(int i, int textLength) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("TimeGenerated", "2026-05-04T10:00:00Z");
    row.put("Name", "freightwatch_odoo_queue_jobs");
    row.put("Value", (double) i);
    row.put("Tenant", "tenant-" + i);
    row.put("Text", "x".repeat(textLength));
    row.put("Labels", Map.of("tenant", "tenant-" + i, "state", "pending"));
    return row;
  }

  @Test
  void uploadsGzippedJsonArrayAsDocumented() throws Exception {
    try (LogsUploader uploader = uploader()) {
      uploader.upload("Custom-FreightwatchSignals", List.of(row(1, 10), row(2, 10)));
    }

    assertThat(received).hasSize(1);
    Received request = received.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path())
        .isEqualTo("/dataCollectionRules/" + RULE_ID + "/streams/Custom-FreightwatchSignals");
    assertThat(request.query()).isEqualTo("api-version=2023-01-01");
    assertThat(request.headers().get("Authorization")).isEqualTo("Bearer test-token");
    assertThat(request.headers().get("Content-Type")).startsWith("application/json");
    assertThat(request.headers().get("Content-Encoding")).isEqualTo("gzip");
    JsonNode body = request.body();
    assertThat(body.isArray()).isTrue();
    assertThat(body).hasSize(2);
    assertThat(body.get(0).get("Tenant").asText()).isEqualTo("tenant-1");
    assertThat(body.get(1).get("Labels").get("state").asText()).isEqualTo("pending");
  }

  @Test
  void waitsForRetryAfterOn429() throws Exception {
    statusForRequest = n -> n == 1 ? 429 : 204;

    try (LogsUploader uploader = uploader()) {
      uploader.upload("Custom-FreightwatchSignals", List.of(row(1, 10)));
    }

    assertThat(received).hasSize(2);
    assertThat(Duration.ofNanos(received.get(1).atNanos() - received.get(0).atNanos()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(received.get(1).body().get(0).get("Tenant").asText()).isEqualTo("tenant-1");
  }

  @Test
  void splitsIntoRequestsUnderOneMegabyte() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      rows.add(row(i, 1000));
    }

    try (LogsUploader uploader = uploader()) {
      uploader.upload("Custom-FreightwatchSignals", rows);
    }

    assertThat(received.size()).isGreaterThan(1);
    int total = 0;
    for (Received request : received) {
      assertThat(request.json().length).as("uncompressed body").isLessThan(1024 * 1024);
      assertThat(request.compressedBytes()).as("request body").isLessThan(1024 * 1024);
      total += request.body().size();
    }
    assertThat(total).isEqualTo(3000);
  }

  @Test
  void cutsOversizedValues() throws Exception {
    try (LogsUploader uploader = uploader()) {
      uploader.upload("Custom-FreightwatchSignals", List.of(row(1, 2_000_000)));
    }

    assertThat(received).hasSize(1);
    String text = received.get(0).body().get(0).get("Text").asText();
    assertThat(text).hasSize(LogsUploader.MAX_VALUE_CHARS).endsWith("…");
  }

  @Test
  void sendsNoEmptyBatch() {
    try (LogsUploader uploader = uploader()) {
      uploader.upload("Custom-FreightwatchSignals", List.of());
    }

    assertThat(received).isEmpty();
  }

  @Test
  void reportsRejectedUpload() {
    statusForRequest = n -> 400;

    try (LogsUploader uploader = uploader()) {
      assertThatThrownBy(() -> uploader.upload("Custom-FreightwatchSignals", List.of(row(1, 10))))
          .isInstanceOf(LogsUploader.UploadException.class)
          .hasMessageStartingWith(
              "upload to stream Custom-FreightwatchSignals failed for 1 of 1" + " records");
    }
    assertThat(received).hasSize(1);
  }

  @Test
  void exporterSendsSignalRowsOnly() throws Exception {
    SeriesStore store = new SeriesStore(Duration.ofMinutes(10));
    store.applyScrape(
        "odoo",
        List.of(
            Sample.gauge(
                "freightwatch_odoo_queue_jobs",
                "Jobs.",
                57,
                Labels.of("tenant", "acme", "state", "pending")),
            Sample.gauge("freightwatch_redis_memory_used_bytes", "Memory.", 1e6, Labels.EMPTY)),
        Instant.parse("2026-05-04T10:00:00Z"));
    ExportConfig.AzureMonitor config =
        new ExportConfig.AzureMonitor(
            URI.create("https://127.0.0.1:" + server.actualPort()),
            RULE_ID,
            "Custom-FreightwatchSlo",
            "Custom-FreightwatchSignals",
            List.of("freightwatch_slo_"),
            List.of("freightwatch_odoo_"),
            Duration.ofMinutes(1),
            "");
    var worker = vertx.createSharedWorkerExecutor("test-azure", 1);
    try (AzureMonitorExporter exporter = new AzureMonitorExporter(config, uploader(), worker)) {
      vertx
          .getOrCreateContext()
          .runOnContext(
              v -> exporter.export(StoreSnapshot.of(store), Instant.parse("2026-05-04T10:01:00Z")));
      org.awaitility.Awaitility.await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> received.size() == 1);
    }

    Received request = received.get(0);
    assertThat(request.path()).endsWith("/streams/Custom-FreightwatchSignals");
    JsonNode rows = request.body();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("Name").asText()).isEqualTo("freightwatch_odoo_queue_jobs");
    assertThat(rows.get(0).get("Value").asDouble()).isEqualTo(57);
    assertThat(rows.get(0).get("Tenant").asText()).isEqualTo("acme");
    assertThat(rows.get(0).get("TimeGenerated").asText()).isEqualTo("2026-05-04T10:01:00Z");
  }
}
