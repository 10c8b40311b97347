package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged agent as a child process, kills it with SIGKILL while a notification is in
 * flight, and restarts it: the receiver ends up with each alert's firing notification exactly once,
 * and a restart while the alerts still fire pages nobody again.
 */
class NotifyCrashIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final AtomicBoolean holding = new AtomicBoolean(true);
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> accepted = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private Process agent;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              requests.incrementAndGet();
                              if (holding.get()) {
                                return; // Never answered: the agent is killed while waiting.
                              }
                              try {
                                for (JsonNode alert :
                                    JSON.readTree(body.toString()).get("alerts")) {
                                  accepted.add(
                                      alert.get("fingerprint").asText()
                                          + " "
                                          + alert.get("status").asText());
                                }
                                request.response().setStatusCode(200).end();
                              } catch (IOException e) {
                                request.response().setStatusCode(400).end("not JSON");
                              }
                            }))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void killDuringDeliveryLosesNothing() throws Exception {
    Path config = writeConfig();

    agent = start(config, 1);
    await().atMost(Duration.ofSeconds(60)).until(() -> requests.get() >= 2);
    kill();

    holding.set(false);
    agent = start(config, 2);
    await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 2);
    waitSeconds(6);
    assertThat(accepted).hasSize(2).allMatch(entry -> entry.endsWith(" firing"));
    assertThat(accepted.stream().map(e -> e.split(" ")[0]).distinct()).hasSize(2);
    kill();

    int before = requests.get();
    agent = start(config, 3);
    waitSeconds(8);
    assertThat(requests.get())
        .as("requests after a restart while the alerts still fire")
        .isEqualTo(before);
    assertThat(accepted).hasSize(2);
  }

  private void kill() throws InterruptedException {
    agent.destroyForcibly();
    assertThat(agent.waitFor(10, TimeUnit.SECONDS)).as("agent killed").isTrue();
  }

  /** Waits while the agent evaluates its rules; nothing is expected to happen meanwhile. */
  private static void waitSeconds(int seconds) {
    await()
        .pollDelay(Duration.ofSeconds(seconds))
        .atMost(Duration.ofSeconds(seconds + 5))
        .until(() -> true);
  }

  private Path writeConfig() throws IOException {
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(
        rules.resolve("down.yaml"),
        """
        rules:
          - name: cache_unreachable
            signal: freightwatch_target_up
            op: "=="
            threshold: 0
            impact:
              domain: platform
              process: session storage
              summary: Freightwatch cannot reach {{ $labels.target }}.
              severity: critical
              owner: platform
              runbook: runbooks/agent_blind_spot.md
              customer_facing: false
        """);
    Path config = dir.resolve("freightwatch.yaml");
    Files.writeString(
        config,
        """
        agent:
          listen: 127.0.0.1:0
          scrape_timeout: 2s
          data_directory: data
        targets:
          redis:
            - name: cache-a
              url: redis://127.0.0.1:%d
              interval: 1s
            - name: cache-b
              url: redis://127.0.0.1:%d
              interval: 1s
        rules:
          directory: rules
          evaluation_interval: 1s
        notify:
          receivers:
            - name: ops
              url: http://127.0.0.1:%d/hook
              timeout: 60s
              initial_backoff: 200ms
              max_backoff: 1s
        """
            .formatted(closedPort(), closedPort(), receiver.actualPort()));
    return config;
  }

  private Process start(Path config, int run) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar().toString(),
                "run",
                "--config",
                config.toString()));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("agent-" + run + ".log").toFile())
        .start();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Path jar() throws IOException {
    try (DirectoryStream<Path> jars =
        Files.newDirectoryStream(Path.of("target"), "freightwatch-*-all.jar")) {
      for (Path jar : jars) {
        return jar;
      }
    }
    throw new AssertionError("target/freightwatch-*-all.jar is missing; run mvn package first");
  }
}
