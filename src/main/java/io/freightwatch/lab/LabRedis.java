package io.freightwatch.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} child process on 127.0.0.1 used as the Odoo session store: no persistence,
 * a {@code maxmemory} limit and {@code allkeys-lru} eviction, as a session store under memory
 * pressure would be configured. The process runs until {@link #close()}.
 */
public final class LabRedis implements AutoCloseable {

  /** Default {@code maxmemory}: 64 MiB. */
  public static final long DEFAULT_MAX_MEMORY_BYTES = 64L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(LabRedis.class);
  private static final List<Path> SERVER_CANDIDATES =
      List.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server"));
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
  private static final int IO_TIMEOUT_MILLIS = 2000;

  private final Process process;
  private final int port;
  private final long maxMemoryBytes;
  private final Path logFile;

  private LabRedis(Process process, int port, long maxMemoryBytes, Path logFile) {
    this.process = process;
    this.port = port;
    this.maxMemoryBytes = maxMemoryBytes;
    this.logFile = logFile;
  }

  /** Finds {@code redis-server} in /usr/bin, /usr/local/bin or the PATH. */
  public static Optional<Path> findServer() {
    List<Path> candidates = new ArrayList<>(SERVER_CANDIDATES);
    String path = System.getenv("PATH");
    if (path != null) {
      Stream.of(path.split(":"))
          .filter(dir -> !dir.isEmpty())
          .map(dir -> Path.of(dir, "redis-server"))
          .forEach(candidates::add);
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /**
   * Starts redis-server and waits until it replies to PING.
   *
   * @param dir working directory for the server's log file
   * @param port port on 127.0.0.1, 0 for a free port
   * @param maxMemoryBytes value of {@code maxmemory}, at least 1 MiB
   * @throws IllegalStateException when redis-server is missing, exits or does not answer within 20
   *     s; a started process is stopped first
   */
  public static LabRedis start(Path dir, int port, long maxMemoryBytes) {
    if (maxMemoryBytes < 1024 * 1024) {
      throw new IllegalArgumentException(
          "maxMemoryBytes: got " + maxMemoryBytes + "; expected at least 1048576 (1 MiB)");
    }
    Path server =
        findServer()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "redis-server not found in /usr/bin, /usr/local/bin or the PATH;"
                            + " install redis-server (scripts/setup-machine.sh)"));
    int actualPort = Processes.portOrFree(port);
    Path workDir = dir.toAbsolutePath().normalize().resolve("redis");
    Path logFile = workDir.resolve("redis.log");
    Process process;
    try {
      Files.createDirectories(workDir);
      process =
          new ProcessBuilder(command(server, actualPort, maxMemoryBytes, workDir))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + server, e);
    }
    LabRedis redis = new LabRedis(process, actualPort, maxMemoryBytes, logFile);
    try {
      redis.awaitPong();
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
    LOG.info("event=redis_started port={} maxmemory_bytes={}", actualPort, maxMemoryBytes);
    return redis;
  }

  public String host() {
    return LabPostgres.HOST;
  }

  public int port() {
    return port;
  }

  public long maxMemoryBytes() {
    return maxMemoryBytes;
  }

  /** URI for clients such as Lettuce: {@code redis://127.0.0.1:PORT}. */
  public String uri() {
    return "redis://" + LabPostgres.HOST + ":" + port;
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s). Calling it twice is harmless. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      LOG.info("event=redis_stopped port={}", port);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static List<String> command(Path server, int port, long maxMemoryBytes, Path workDir) {
    return List.of(
        server.toString(),
        "--bind",
        LabPostgres.HOST,
        "--port",
        Integer.toString(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--dir",
        workDir.toString(),
        "--maxmemory",
        Long.toString(maxMemoryBytes),
        "--maxmemory-policy",
        "allkeys-lru");
  }

  private void awaitPong() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "redis-server on port "
                + port
                + " exited with code "
                + process.exitValue()
                + "\n"
                + logTail());
      }
      try {
        if (ping()) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for redis-server", e);
      }
    }
    throw new IllegalStateException(
        "redis-server on port "
            + port
            + " did not answer PING within "
            + READY_TIMEOUT.toSeconds()
            + " s\n"
            + logTail(),
        last);
  }

  private boolean ping() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LabPostgres.HOST, port), IO_TIMEOUT_MILLIS);
      socket.setSoTimeout(IO_TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int read = in.readNBytes(reply, 0, reply.length);
      return new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
    }
  }

  private String logTail() {
    try {
      return Processes.tail(Files.readString(logFile));
    } catch (IOException e) {
      return "(no log at " + logFile + ")";
    }
  }
}
