package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.ConfigLoader;
import io.freightwatch.config.PostgresTarget;
import io.freightwatch.lab.PostgresBinaries;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL cluster of its own with {@code ssl=on} and a self-signed certificate for
 * 127.0.0.1 made with openssl, reached through the {@code sslmode} and {@code sslrootcert}
 * parameters of a target's DSN.
 */
class PostgresTlsIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static PostgresBinaries binaries;
  private static Path dir;
  private static Path dataDir;
  private static int port;

  @BeforeAll
  static void startServerWithTls() throws Exception {
    binaries = PostgresBinaries.find().orElse(null);
    if (binaries == null) {
      String message = "PostgreSQL server programs not found; install postgresql";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    dir = Files.createTempDirectory("fw-scale-tls-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    dataDir = dir.resolve("data");
    makeCertificate("server");
    makeCertificate("other");
    handToPostgres(dir);
    run(binaries.program("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres",
        "--auth=trust", "--no-locale", "--no-sync");
    port = freePort();
    run(binaries.program("pg_ctl").toString(), "start", "-w", "-D", dataDir.toString(),
        "-l", dir.resolve("server.log").toString(), "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
            + " -c ssl=on -c ssl_cert_file=" + dir.resolve("server.pem")
            + " -c ssl_key_file=" + dir.resolve("server.key") + " -c fsync=off");
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (dir == null) {
      return;
    }
    try {
      run(binaries.program("pg_ctl").toString(), "stop", "-m", "immediate", "-D",
          dataDir.toString());
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  @Test
  void verifyFullConnectsOverTls() throws Exception {
    PostgresTarget target = load("sslmode=verify-full&sslrootcert=" + dir.resolve("server.pem"));

    try (PgSessions sessions = new PgSessions(1)) {
      boolean encrypted = sessions.withConnection(target, "postgres", WAIT, connection -> {
        try (Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
          row.next();
          return row.getBoolean(1);
        }
      });

      assertThat(encrypted).isTrue();
    }
  }

  @Test
  void serverPackRunsOverTls() {
    PostgresTarget target = load("sslmode=require");

    try (PgSessions sessions = new PgSessions(1); ScrapeHarness harness =
        new ScrapeHarness(Duration.ofSeconds(10))) {
      assertThat(harness.scrape(new PostgresCollector(target, sessions)))
          .anySatisfy(sample -> assertThat(sample.name()).isEqualTo("freightwatch_postgres_in_recovery"));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void untrustedCertificateFailsClearly() {
    PostgresTarget target = load("sslmode=verify-full&sslrootcert=" + dir.resolve("other.pem"));

    try (PgSessions sessions = new PgSessions(1)) {
      assertThatThrownBy(() -> sessions.withConnection(target, "postgres", WAIT, c -> 1))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("SSL error");
      assertThat(sessions.usage().open()).isZero();
    }
  }

  private static PostgresTarget load(String query) {
    try {
      Path file = dir.resolve("freightwatch.yaml");
      Files.writeString(file, """
          agent:
            listen: 127.0.0.1:0
          targets:
            postgres:
              - name: tls
                dsn: "postgresql://postgres@127.0.0.1:%d/postgres?%s"
          """.formatted(port, query));
      AgentConfig config = new ConfigLoader(Map.of()).load(file);
      return config.postgres().get(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Writes NAME.pem and NAME.key: a self-signed EC certificate for 127.0.0.1, valid two days. */
  private static void makeCertificate(String name) throws Exception {
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days",
        "2", "-keyout", dir.resolve(name + ".key").toString(), "-out",
        dir.resolve(name + ".pem").toString());
    Files.setPosixFilePermissions(dir.resolve(name + ".key"),
        PosixFilePermissions.fromString("rw-------"));
  }

  /** Gives the directory to the postgres OS user when running as root, as initdb refuses root. */
  private static void handToPostgres(Path directory) throws IOException {
    if (!"root".equals(System.getProperty("user.name"))) {
      return;
    }
    UserPrincipal postgres = directory.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName("postgres");
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.toList()) {
        Files.setOwner(path, postgres);
      }
    }
  }

  private static void run(String... command) throws Exception {
    List<String> full = new ArrayList<>();
    boolean asPostgres = "root".equals(System.getProperty("user.name"))
        && !command[0].equals("openssl");
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket =
        new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
