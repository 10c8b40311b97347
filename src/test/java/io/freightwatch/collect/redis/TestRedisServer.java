package io.freightwatch.collect.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import io.freightwatch.config.RedisTarget;
import io.freightwatch.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A redis-server process that a test starts on a free loopback port and stops at the end.
 *
 * <p>The binary comes from {@code FREIGHTWATCH_TEST_REDIS_SERVER} (default {@code
 * /usr/bin/redis-server}). When it is missing the test is skipped, except under {@code CI=true},
 * where it fails.
 */
final class TestRedisServer implements AutoCloseable {

  private final Path binary;
  private final Path directory;
  private final List<String> extraArguments;
  private final int port;
  private Process process;

  private TestRedisServer(Path binary, List<String> extraArguments) throws IOException {
    this.binary = binary;
    this.directory = Files.createTempDirectory("fw-redis-");
    this.extraArguments = List.copyOf(extraArguments);
    this.port = freePort();
  }

  /**
   * Starts a server with {@code extraArguments} added to its command line, or skips the test (fails
   * it under CI) when redis-server is not installed.
   */
  static TestRedisServer startOrSkip(String... extraArguments) throws IOException {
    String configured = System.getenv("FREIGHTWATCH_TEST_REDIS_SERVER");
    Path binary =
        Path.of(configured == null || configured.isBlank() ? "/usr/bin/redis-server" : configured);
    if (!Files.isExecutable(binary)) {
      String message =
          "redis-server not found at "
              + binary
              + "; install it or set FREIGHTWATCH_TEST_REDIS_SERVER";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    TestRedisServer server = new TestRedisServer(binary, List.of(extraArguments));
    server.start();
    return server;
  }

  int port() {
    return port;
  }

  /** Returns a target for this server with the default user and no password. */
  RedisTarget target(String name) {
    return target(name, "", Secret.NONE);
  }

  RedisTarget target(String name, String user, Secret password) {
    return new RedisTarget(
        name,
        "127.0.0.1",
        port,
        false,
        user,
        password,
        Duration.ofSeconds(15),
        Duration.ofSeconds(2));
  }

  /** Starts the process and waits until it replies to PING. */
  void start() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(
        List.of(
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            directory.toString(),
            "--logfile",
            directory.resolve("redis.log").toString()));
    command.addAll(extraArguments);
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(this::isReady);
  }

  /** Stops the process and waits for it to exit. */
  void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
  }

  @Override
  public void close() throws Exception {
    stop();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  // Any reply to PING, including NOAUTH when a password is required, shows the server is up.
  private boolean isReady() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "redis-server exited with " + process.exitValue() + "; see " + directory);
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      int first = in.read();
      return first == '+' || first == '-';
    } catch (IOException notYet) {
      return false;
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException failure) {
      throw new UncheckedIOException(failure);
    }
  }
}
