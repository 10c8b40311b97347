package io.freightwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TraefikStandInTest {

  private static final String SERVICE = "odoo-acme-web@kubernetes";

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private TraefikStandIn traefik;

  @BeforeEach
  void startStandIn() {
    traefik = Lab.await(TraefikStandIn.start(vertx, 0), "starting");
  }

  @AfterEach
  void closeVertx() {
    Lab.await(vertx.close(), "closing Vert.x");
  }

  @Test
  void countsRequestOnEveryLevel() {
    traefik.record("websecure", "acme-web@kubernetes", SERVICE, "GET", 200, "http", 0.2);
    traefik.record("websecure", "acme-web@kubernetes", SERVICE, "GET", 502, "http", 4.0);

    String text = traefik.scrapeText();

    assertThat(text)
        .contains(
            "traefik_entrypoint_requests_total{code=\"200\",entrypoint=\"websecure\","
                + "method=\"GET\",protocol=\"http\"} 1.0")
        .contains(
            "traefik_router_requests_total{code=\"502\",method=\"GET\",protocol=\"http\","
                + "router=\"acme-web@kubernetes\",service=\"odoo-acme-web@kubernetes\"} 1.0")
        .contains(
            "traefik_service_requests_total{code=\"200\",method=\"GET\",protocol=\"http\","
                + "service=\"odoo-acme-web@kubernetes\"} 1.0");
    assertThat(MetricsText.sumServerErrors(text, "traefik_service_requests_total", SERVICE))
        .isEqualTo(1.0);
  }

  @Test
  void histogramUsesConfiguredBuckets() {
    traefik.record("websecure", "acme-web@kubernetes", SERVICE, "POST", 200, "http", 0.2);
    traefik.record("websecure", "acme-web@kubernetes", SERVICE, "POST", 200, "http", 1.0);
    traefik.record("websecure", "acme-web@kubernetes", SERVICE, "POST", 200, "http", 7.0);

    String text = traefik.scrapeText();
    String name = "traefik_service_request_duration_seconds_bucket";

    assertThat(MetricsText.sum(text, name, Map.of("service", SERVICE, "le", "0.1"))).isEqualTo(0);
    assertThat(MetricsText.sum(text, name, Map.of("service", SERVICE, "le", "0.3"))).isEqualTo(1);
    assertThat(MetricsText.sum(text, name, Map.of("service", SERVICE, "le", "1.2"))).isEqualTo(2);
    assertThat(MetricsText.sum(text, name, Map.of("service", SERVICE, "le", "5.0"))).isEqualTo(2);
    assertThat(MetricsText.sum(text, name, Map.of("service", SERVICE, "le", "+Inf"))).isEqualTo(3);
    assertThat(text).doesNotContain("le=\"0.05\"").doesNotContain("_created");
  }

  @Test
  void servesGzipWithTraefikContentType() throws Exception {
    traefik.setOpenConnections("websecure", 55);
    traefik.recordConfigReload(Instant.ofEpochSecond(1_700_000_000L));
    traefik.addCertificate(
        "acme.erp.example.com",
        List.of("scan.acme.erp.example.com", "acme.erp.example.com"),
        "1000",
        Instant.ofEpochSecond(1_800_000_000L));

    HttpResponse<byte[]> gzipped = get("/metrics", "gzip, deflate");
    HttpResponse<byte[]> plain = get("/metrics", null);

    assertThat(gzipped.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8; escaping=underscores");
    assertThat(gzipped.headers().firstValue("Content-Encoding")).contains("gzip");
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    String text = gunzip(gzipped.body());
    assertThat(text)
        .isEqualTo(new String(plain.body(), StandardCharsets.UTF_8))
        .contains("traefik_open_connections{entrypoint=\"websecure\",protocol=\"TCP\"} 55.0")
        .contains("traefik_config_reloads_total 1.0")
        .contains("traefik_config_last_reload_success 1.7E9")
        .contains(
            "traefik_tls_certs_not_after{cn=\"acme.erp.example.com\","
                + "sans=\"acme.erp.example.com,scan.acme.erp.example.com\",serial=\"1000\"} 1.8E9");
  }

  @Test
  void answersNotFoundForOtherPaths() throws Exception {
    assertThat(get("/api/rawdata", null).statusCode()).isEqualTo(404);
  }

  @Test
  void rejectsUnorderedBuckets() {
    assertThatThrownBy(() -> TraefikStandIn.start(vertx, 0, List.of(0.3, 0.1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("buckets: got [0.3, 0.1]; expected finite positive bounds in increasing order");
  }

  @Test
  void gzipAcceptanceHonoursZeroQuality() {
    assertThat(TraefikStandIn.acceptsGzip("gzip")).isTrue();
    assertThat(TraefikStandIn.acceptsGzip("br, gzip;q=0.8")).isTrue();
    assertThat(TraefikStandIn.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(TraefikStandIn.acceptsGzip("identity")).isFalse();
  }

  private HttpResponse<byte[]> get(String path, String acceptEncoding) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + traefik.port() + path))
            .timeout(Duration.ofSeconds(5));
    if (acceptEncoding != null) {
      request.header("Accept-Encoding", acceptEncoding);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String gunzip(byte[] body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
