package io.freightwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Prometheus server, started by a test on a free loopback port with a generated
 * configuration that scrapes one target every second, and a storage directory of its own. The
 * package's systemd service is never used.
 */
public final class TestPrometheus implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private TestPrometheus(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts Prometheus scraping {@code target} ({@code host:port}) every second. Labels of the
   * scraped series win over the target's labels ({@code honor_labels}), because the agent's
   * series carry their own {@code instance} label.
   */
  public static TestPrometheus start(Path dir, String target) throws IOException,
      InterruptedException {
    RequiredServers.requirePrometheus();
    Files.createDirectories(dir);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: freightwatch
            honor_labels: true
            static_configs:
              - targets: ['%s']
        """.formatted(target));
    int port = freePort();
    Path log = dir.resolve("prometheus.log");
    Process process = new ProcessBuilder(List.of(RequiredServers.PROMETHEUS,
        "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--storage.tsdb.retention.time=1h",
        "--web.listen-address=127.0.0.1:" + port))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    TestPrometheus prometheus = new TestPrometheus(process, port, log);
    prometheus.awaitReady();
    return prometheus;
  }

  /**
   * Runs an instant query at the current time.
   *
   * @return the response body: {@code status} is {@code success} or {@code error}
   */
  public JsonNode query(String promql) throws IOException, InterruptedException {
    return get("/api/v1/query?query=" + encode(promql));
  }

  /** Returns the series that match {@code selector} over the last hour. */
  public JsonNode series(String selector) throws IOException, InterruptedException {
    long now = Instant.now().getEpochSecond();
    return get("/api/v1/series?match[]=" + encode(selector) + "&start=" + (now - 3600)
        + "&end=" + now);
  }

  /** Returns the server's log so far, for failure messages. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .timeout(Duration.ofSeconds(10))
        .GET()
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private void awaitReady() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("prometheus exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/-/ready"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // Polled again below until the deadline.
      }
      Thread.sleep(200);
    }
    close();
    throw new IOException("prometheus was not ready within " + START_TIMEOUT + ":\n" + log());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
