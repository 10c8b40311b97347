package io.freightwatch.notify.alertmanager;

import io.freightwatch.testing.RequiredServers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, with clustering
 * off, one route with {@code group_wait: 0s} and one webhook receiver.
 */
final class TestAlertmanager implements AutoCloseable {

  private final Process process;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestAlertmanager(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static TestAlertmanager start(Path dir, String webhookUrl) throws IOException {
    RequiredServers.requireAlertmanager();
    int port = freePort();
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(
        config,
        """
        route:
          receiver: hook
          group_by: ['alertname']
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 4h
        receivers:
          - name: hook
            webhook_configs:
              - url: %s
                send_resolved: true
        """
            .formatted(webhookUrl));
    Process process =
        new ProcessBuilder(
                List.of(
                    RequiredServers.ALERTMANAGER,
                    "--config.file=" + config,
                    "--storage.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address=",
                    "--log.level=warn"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("alertmanager.log").toFile())
            .start();
    TestAlertmanager alertmanager = new TestAlertmanager(process, port);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> alertmanager.get("/-/ready").statusCode() == 200);
    return alertmanager;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
