package io.freightwatch.collect.postgres;

import static org.junit.jupiter.api.Assertions.fail;

import io.freightwatch.config.PostgresTarget;
import io.freightwatch.config.Secret;
import io.freightwatch.lab.LabPostgres;
import io.freightwatch.testing.SharedLab;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server that integration tests use, and the databases they create on it.
 *
 * <p>By default this is the primary of the shared lab ({@link SharedLab}), which the tests start
 * themselves, with its streaming replica reachable through {@link #replicaTarget}. Setting {@code
 * FREIGHTWATCH_TEST_PG_PORT} points the tests at another server instead: {@code
 * FREIGHTWATCH_TEST_PG_HOST} (default 127.0.0.1), {@code FREIGHTWATCH_TEST_PG_USER} (postgres,
 * which must be allowed to create databases) and {@code FREIGHTWATCH_TEST_PG_PASSWORD} (empty).
 * When the server cannot be reached the test is skipped, except under {@code CI=true}, where it
 * fails.
 */
public final class TestPostgres implements AutoCloseable {

  /** Schema of an Odoo 17 tenant database, shipped with the lab resources. */
  public static final String ODOO_SCHEMA = "/lab/odoo17-tenant.sql";

  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final OptionalInt replicaPort;
  private final List<String> createdDatabases = new ArrayList<>();

  private TestPostgres(String host, int port, String user, String password,
      OptionalInt replicaPort) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.replicaPort = replicaPort;
  }

  /** Returns the test server, or skips the test (fails it under CI) when it is unreachable. */
  public static TestPostgres connectOrSkip() {
    String host = env("FREIGHTWATCH_TEST_PG_HOST", "127.0.0.1");
    String configuredPort = env("FREIGHTWATCH_TEST_PG_PORT", "");
    TestPostgres server;
    if (configuredPort.isEmpty()) {
      LabPostgres lab = SharedLab.get().postgres();
      server = new TestPostgres(lab.host(), lab.primaryPort(), LabPostgres.SUPERUSER, "",
          OptionalInt.of(lab.replicaPort()));
      host = lab.host();
      configuredPort = Integer.toString(lab.primaryPort());
    } else {
      server = new TestPostgres(host, Integer.parseInt(configuredPort),
          env("FREIGHTWATCH_TEST_PG_USER", "postgres"), env("FREIGHTWATCH_TEST_PG_PASSWORD", ""),
          OptionalInt.empty());
    }
    String port = configuredPort;
    try (Connection probe = server.admin("postgres")) {
      probe.isValid(2);
    } catch (SQLException unreachable) {
      String message =
          "PostgreSQL test server "
              + host
              + ":"
              + port
              + " is not reachable ("
              + unreachable.getMessage()
              + "); start it or set FREIGHTWATCH_TEST_PG_HOST/FREIGHTWATCH_TEST_PG_PORT";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    return server;
  }

  /** Returns a target for {@code database} on the test server. */
  public PostgresTarget target(String name, String database, Duration statementTimeout) {
    Secret secret = password.isEmpty() ? Secret.NONE : new Secret(password, "env:test");
    return new PostgresTarget(
        name,
        "test-cluster",
        host,
        port,
        database,
        user,
        secret,
        Map.of("sslmode", "disable"),
        Duration.ofSeconds(15),
        statementTimeout);
  }

  /**
   * Returns a target for the {@code postgres} database of the server's streaming replica; empty
   * when the tests run against a server given by environment variables.
   */
  public Optional<PostgresTarget> replicaTarget(String name) {
    if (replicaPort.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PostgresTarget(name, "test-cluster", host, replicaPort.getAsInt(),
        "postgres", user, Secret.NONE, Map.of("sslmode", "disable"), Duration.ofSeconds(15),
        Duration.ofSeconds(5)));
  }

  /** Opens a writable connection for test setup, with the server's default settings. */
  public Connection admin(String database) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    properties.setProperty("connectTimeout", "3");
    properties.setProperty("socketTimeout", "30");
    properties.setProperty("ApplicationName", "freightwatch-test-setup");
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=disable", properties);
  }

  /** Returns 8 random hexadecimal digits that make database names of one test run unique. */
  public static String uniqueSuffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates an empty database with a unique name starting with {@code fw_<purpose>_}. */
  public String createDatabase(String purpose) throws SQLException {
    return createNamedDatabase("fw_" + purpose + "_" + uniqueSuffix());
  }

  /** Creates an empty database called {@code name}, which must be a plain lower-case name. */
  public String createNamedDatabase(String name) throws SQLException {
    if (!name.matches("[a-z0-9_]+")) {
      throw new IllegalArgumentException("test database name: got " + name + "; use [a-z0-9_]");
    }
    try (Connection admin = admin("postgres");
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    createdDatabases.add(name);
    return name;
  }

  /** Creates a database with a unique name holding the Odoo 17 tenant schema. */
  public String createOdooDatabase(String purpose) throws SQLException, IOException {
    return createNamedOdooDatabase("fw_" + purpose + "_" + uniqueSuffix());
  }

  /** Creates a database called {@code name} holding the Odoo 17 tenant schema. */
  public String createNamedOdooDatabase(String name) throws SQLException, IOException {
    createNamedDatabase(name);
    String schema;
    try (InputStream in = TestPostgres.class.getResourceAsStream(ODOO_SCHEMA)) {
      if (in == null) {
        throw new IOException("classpath resource " + ODOO_SCHEMA + " not found");
      }
      schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection admin = admin(name);
        Statement statement = admin.createStatement()) {
      statement.execute(schema);
    }
    return name;
  }

  /** Runs {@code sql} with {@code parameters} on {@code database} through a writable session. */
  public void execute(String database, String sql, Object... parameters) throws SQLException {
    try (Connection admin = admin(database);
        PreparedStatement statement = admin.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      statement.execute();
    }
  }

  /** Returns how many agent sessions are connected to {@code database}. */
  public int agentSessions(String database) throws SQLException {
    try (Connection admin = admin("postgres");
        PreparedStatement statement =
            admin.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE datname = ? AND application_name = ?")) {
      statement.setString(1, database);
      statement.setString(2, PgSessions.APPLICATION_NAME);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  /** Drops every database this instance created, disconnecting their sessions. */
  @Override
  public void close() throws SQLException {
    try (Connection admin = admin("postgres");
        Statement statement = admin.createStatement()) {
      for (String database : createdDatabases) {
        if (!exists(admin, database)) {
          // Tests of dropped tenant databases drop theirs.
          continue;
        }
        // A template database cannot be dropped, and some tests turn theirs into one.
        statement.execute("ALTER DATABASE " + database + " IS_TEMPLATE false");
        statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
    createdDatabases.clear();
  }

  private static boolean exists(Connection admin, String database) throws SQLException {
    try (PreparedStatement statement =
        admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      statement.setString(1, database);
      try (ResultSet row = statement.executeQuery()) {
        return row.next();
      }
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
