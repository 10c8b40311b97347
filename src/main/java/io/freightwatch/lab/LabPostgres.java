package io.freightwatch.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL primary and one streaming physical replica on 127.0.0.1, made with this machine's
 * server programs, each with its own data directory under a base directory and its own port.
 *
 * <p>The primary loads {@code pg_stat_statements}, keeps a physical replication slot for the
 * replica and has a login role {@value #MONITOR_ROLE} with {@code pg_monitor}; authentication on
 * loopback is {@code trust}. The replica is a hot standby made with {@code pg_basebackup -R -S} and
 * appears in the primary's {@code pg_stat_replication} as {@value #STANDBY_NAME}.
 *
 * <p>Data directories are reused across restarts when they are intact and recreated otherwise.
 * Under root the programs run as the {@code postgres} OS user, because initdb refuses root. All
 * methods block and are meant for the lab's own threads, never for a Vert.x event loop.
 */
public final class LabPostgres implements AutoCloseable {

  /** Address both servers listen on, and the only one. */
  public static final String HOST = "127.0.0.1";

  /** Login role the agent uses: a member of pg_monitor, no password (trust on loopback). */
  public static final String MONITOR_ROLE = "freightwatch";

  /** Superuser the lab itself uses for setup and the workload. */
  public static final String SUPERUSER = "postgres";

  /** Physical replication slot of the replica on the primary. */
  public static final String SLOT = "lab_replica";

  /** {@code cluster_name} of the primary. */
  public static final String PRIMARY_NAME = "lab-primary";

  /** {@code cluster_name} and {@code application_name} of the replica. */
  public static final String STANDBY_NAME = "lab-replica";

  private static final Logger LOG = LoggerFactory.getLogger(LabPostgres.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String OS_USER = "postgres";
  private static final String LAB_CONF = "lab.conf";
  private static final String SETUP_MARKER = "lab-setup.done";

  private final PostgresBinaries binaries;
  private final Path primaryDir;
  private final Path replicaDir;
  private final Path logDir;
  private final int primaryPort;
  private final int replicaPort;
  private final String runAs;
  private boolean primaryRunning;
  private boolean replicaRunning;

  private LabPostgres(PostgresBinaries binaries, Path baseDir, int primaryPort, int replicaPort) {
    this.binaries = binaries;
    Path root = baseDir.toAbsolutePath().normalize().resolve("postgres");
    this.primaryDir = root.resolve("primary");
    this.replicaDir = root.resolve("replica");
    this.logDir = root.resolve("logs");
    this.primaryPort = primaryPort;
    this.replicaPort = replicaPort;
    this.runAs = Processes.isRoot() ? OS_USER : "";
  }

  /**
   * Starts the primary and the replica, creating or reusing their data directories under {@code
   * baseDir/postgres}, and waits until both accept connections and the replica streams.
   *
   * @param primaryPort port of the primary, 0 for a free port
   * @param replicaPort port of the replica, 0 for a free port
   * @throws IllegalStateException when a program is missing or a step fails; whatever was started
   *     is stopped again before the exception is thrown
   */
  public static LabPostgres start(Path baseDir, int primaryPort, int replicaPort) {
    PostgresBinaries binaries =
        PostgresBinaries.find()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "PostgreSQL server programs not found in /usr/lib/postgresql/*/bin or"
                            + " by pg_config; install postgresql (scripts/setup-machine.sh)"));
    if (!binaries.hasPgStatStatements()) {
      throw new IllegalStateException(
          "pg_stat_statements.so not found in "
              + binaries.libDir()
              + "; install postgresql-contrib (scripts/setup-machine.sh)");
    }
    LabPostgres postgres =
        new LabPostgres(
            binaries,
            baseDir,
            Processes.portOrFree(primaryPort),
            Processes.portOrFree(replicaPort));
    try {
      postgres.startBoth();
      return postgres;
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  public String host() {
    return HOST;
  }

  public int primaryPort() {
    return primaryPort;
  }

  public int replicaPort() {
    return replicaPort;
  }

  public int majorVersion() {
    return binaries.major();
  }

  /** JDBC URL of database {@code db} on the primary, without credentials. */
  public String jdbcUrl(String db) {
    return "jdbc:postgresql://" + HOST + ":" + primaryPort + "/" + db;
  }

  /** JDBC URL of database {@code db} on the replica, without credentials. */
  public String replicaJdbcUrl(String db) {
    return "jdbc:postgresql://" + HOST + ":" + replicaPort + "/" + db;
  }

  /** Opens a superuser connection to {@code db} on the primary, with 5 s connect timeouts. */
  public Connection connectPrimary(String db) throws SQLException {
    return connect(primaryPort, db, "freightwatch-lab");
  }

  /**
   * Opens a superuser connection to {@code db} on the primary that shows {@code applicationName} in
   * pg_stat_activity, e.g. {@code odoo-4101} for the workload's simulated Odoo workers.
   */
  public Connection connectPrimary(String db, String applicationName) throws SQLException {
    return connect(primaryPort, db, applicationName);
  }

  /** Opens a superuser connection to {@code db} on the replica, with 5 s connect timeouts. */
  public Connection connectReplica(String db) throws SQLException {
    return connect(replicaPort, db, "freightwatch-lab");
  }

  /** Stops the primary with a fast shutdown; the replica keeps running and retries to connect. */
  public synchronized void stopPrimary() {
    if (primaryRunning) {
      stopServer(primaryDir);
      primaryRunning = false;
      LOG.info("event=postgres_stopped role=primary port={}", primaryPort);
    }
  }

  /** Starts the primary again after {@link #stopPrimary()} and waits until it is ready. */
  public synchronized void startPrimary() {
    if (!primaryRunning) {
      startServer(primaryDir, primaryPort, "primary");
      primaryRunning = true;
    }
  }

  public synchronized boolean isPrimaryRunning() {
    return primaryRunning;
  }

  /** Pauses WAL replay on the replica ({@code pg_wal_replay_pause()}); WAL is still received. */
  public void pauseReplay() {
    replicaQuery("SELECT pg_wal_replay_pause()");
  }

  /** Resumes WAL replay on the replica ({@code pg_wal_replay_resume()}). */
  public void resumeReplay() {
    replicaQuery("SELECT pg_wal_replay_resume()");
  }

  /** Returns {@code pg_is_wal_replay_paused()} of the replica. */
  public boolean isReplayPaused() {
    return "t".equals(replicaQuery("SELECT pg_is_wal_replay_paused()"));
  }

  /**
   * Stops the replica and the primary. Data directories stay in place for the next start; this
   * method deletes nothing. Calling it twice is harmless.
   */
  @Override
  public synchronized void close() {
    if (replicaRunning) {
      stopQuietly(replicaDir, "replica");
      replicaRunning = false;
    }
    if (primaryRunning) {
      stopQuietly(primaryDir, "primary");
      primaryRunning = false;
    }
  }

  private synchronized void startBoth() {
    createDirectory(logDir);
    stopLeftover(replicaDir);
    stopLeftover(primaryDir);
    boolean reusePrimary = isIntact(primaryDir) && Files.exists(primaryDir.resolve(SETUP_MARKER));
    if (reusePrimary) {
      try {
        startPrimaryFromExisting();
      } catch (RuntimeException e) {
        LOG.warn(
            "event=postgres_reuse_failed role=primary dir={} error={}", primaryDir, e.toString());
        // pg_ctl may have started the server before the readiness probe gave up.
        stopLeftover(primaryDir);
        reusePrimary = false;
      }
    }
    if (!reusePrimary) {
      deleteRecursively(replicaDir);
      deleteRecursively(primaryDir);
      initPrimary();
      startPrimaryFromExisting();
    }
    setUpPrimary();
    startReplica();
  }

  private void startPrimaryFromExisting() {
    writeLabConf(primaryDir, primaryConf());
    startServer(primaryDir, primaryPort, "primary");
    primaryRunning = true;
  }

  private void startReplica() {
    boolean reuse = isIntact(replicaDir) && sameSystemIdentifier();
    if (reuse) {
      try {
        writeLabConf(replicaDir, replicaConf());
        startServer(replicaDir, replicaPort, "replica");
        replicaRunning = true;
        return;
      } catch (RuntimeException e) {
        LOG.warn(
            "event=postgres_reuse_failed role=replica dir={} error={}", replicaDir, e.toString());
        stopLeftover(replicaDir);
      }
    }
    deleteRecursively(replicaDir);
    baseBackup();
    writeLabConf(replicaDir, replicaConf());
    startServer(replicaDir, replicaPort, "replica");
    replicaRunning = true;
  }

  private void initPrimary() {
    createDirectory(primaryDir);
    LOG.info("event=postgres_initdb dir={} version={}", primaryDir, binaries.major());
    run(
        binaries.program("initdb").toString(),
        "-D",
        primaryDir.toString(),
        "-U",
        SUPERUSER,
        "--auth=trust",
        "--encoding=UTF8",
        "--no-locale",
        "--no-sync");
    writeFile(
        primaryDir.resolve("pg_hba.conf"),
        String.join(
            "\n",
            "# Written by the Freightwatch lab: trust on loopback only.",
            "local   all           all                 trust",
            "host    all           all   127.0.0.1/32  trust",
            "host    replication   all   127.0.0.1/32  trust",
            ""));
    appendFile(primaryDir.resolve("postgresql.conf"), "\ninclude_if_exists = '" + LAB_CONF + "'\n");
  }

  private void setUpPrimary() {
    try (Connection connection = connectPrimary("postgres");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
              + MONITOR_ROLE
              + "') THEN CREATE ROLE "
              + MONITOR_ROLE
              + " LOGIN; END IF; END $$");
      statement.execute("GRANT pg_monitor TO " + MONITOR_ROLE);
      statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      statement.execute(
          "SELECT pg_create_physical_replication_slot('"
              + SLOT
              + "') WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = '"
              + SLOT
              + "')");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "setting up the primary on port " + primaryPort + " failed", e);
    }
    writeFile(primaryDir.resolve(SETUP_MARKER), "role, extension and slot created\n");
  }

  private void baseBackup() {
    createDirectory(replicaDir);
    LOG.info("event=postgres_basebackup from_port={} dir={}", primaryPort, replicaDir);
    run(
        binaries.program("pg_basebackup").toString(),
        "-D",
        replicaDir.toString(),
        "-h",
        HOST,
        "-p",
        Integer.toString(primaryPort),
        "-U",
        SUPERUSER,
        "-R",
        "-S",
        SLOT,
        "-X",
        "stream",
        "-c",
        "fast",
        "--no-sync");
    // pg_basebackup -R writes primary_conninfo into postgresql.auto.conf, which overrides lab.conf.
    // The primary's port can differ on the next start, so lab.conf carries the connection instead.
    Path autoConf = replicaDir.resolve("postgresql.auto.conf");
    try {
      String kept =
          Files.readAllLines(autoConf).stream()
              .filter(
                  line ->
                      !line.startsWith("primary_conninfo") && !line.startsWith("primary_slot_name"))
              .collect(Collectors.joining("\n", "", "\n"));
      writeFile(autoConf, kept);
    } catch (IOException e) {
      throw new IllegalStateException("could not rewrite " + autoConf, e);
    }
  }

  private List<String> commonConf(int port, String clusterName) {
    return List.of(
        "# Written by the Freightwatch lab on every start; edits here are overwritten.",
        "listen_addresses = '" + HOST + "'",
        "port = " + port,
        // No Unix socket: its path length limit (107 bytes) breaks deep build directories.
        "unix_socket_directories = ''",
        "cluster_name = '" + clusterName + "'",
        "shared_preload_libraries = 'pg_stat_statements'",
        "wal_level = replica",
        "max_wal_senders = 10",
        "max_replication_slots = 10",
        "max_connections = 100",
        "shared_buffers = '64MB'",
        "hot_standby = on",
        // Lab data is disposable; skipping fsync keeps the shared build machine responsive.
        "fsync = off",
        "synchronous_commit = off",
        // A non-UTC server zone, as many real servers have: Odoo's naive UTC timestamps must be
        // compared with now() AT TIME ZONE 'UTC', and the lab shows it when they are not.
        "timezone = 'Europe/Amsterdam'",
        "log_timezone = 'UTC'");
  }

  private String primaryConf() {
    return String.join("\n", commonConf(primaryPort, PRIMARY_NAME)) + "\n";
  }

  private String replicaConf() {
    List<String> lines = new ArrayList<>(commonConf(replicaPort, STANDBY_NAME));
    lines.add(
        "primary_conninfo = 'host="
            + HOST
            + " port="
            + primaryPort
            + " user="
            + SUPERUSER
            + " application_name="
            + STANDBY_NAME
            + "'");
    lines.add("primary_slot_name = '" + SLOT + "'");
    // Replay progress reaches pg_stat_replication on the primary within 2 s.
    lines.add("wal_receiver_status_interval = '2s'");
    // The receiver requests a keepalive from the primary after 10 s without messages, so an idle
    // primary still refreshes last_msg_receipt_time in pg_stat_wal_receiver well within 30 s.
    lines.add("wal_receiver_timeout = '20s'");
    return String.join("\n", lines) + "\n";
  }

  private void startServer(Path dataDir, int port, String role) {
    Path log = logDir.resolve(role + ".log");
    run(
        binaries.program("pg_ctl").toString(),
        "start",
        "-D",
        dataDir.toString(),
        "-l",
        log.toString(),
        "-w",
        "-t",
        Long.toString(READY_TIMEOUT.toSeconds()),
        "-s");
    awaitReady(port, role, log);
    LOG.info("event=postgres_started role={} port={} dir={}", role, port, dataDir);
  }

  private void awaitReady(int port, String role, Path log) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      try (Connection connection = connect(port, "postgres", "freightwatch-lab-probe");
          Statement statement = connection.createStatement()) {
        statement.execute("SELECT 1");
        return;
      } catch (SQLException e) {
        last = e;
        sleepQuietly(Duration.ofMillis(200));
      }
    }
    throw new IllegalStateException(
        "PostgreSQL "
            + role
            + " on port "
            + port
            + " did not accept connections within "
            + READY_TIMEOUT.toSeconds()
            + " s; see "
            + log,
        last);
  }

  private void stopServer(Path dataDir) {
    run(
        binaries.program("pg_ctl").toString(),
        "stop",
        "-D",
        dataDir.toString(),
        "-m",
        "fast",
        "-w",
        "-t",
        Long.toString(READY_TIMEOUT.toSeconds()),
        "-s");
  }

  private void stopQuietly(Path dataDir, String role) {
    try {
      stopServer(dataDir);
      LOG.info("event=postgres_stopped role={} dir={}", role, dataDir);
    } catch (RuntimeException e) {
      LOG.warn("event=postgres_stop_failed role={} dir={} error={}", role, dataDir, e.getMessage());
    }
  }

  /** Stops a server left running by an earlier lab that was killed without cleaning up. */
  private void stopLeftover(Path dataDir) {
    if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
      return;
    }
    try {
      run(binaries.program("pg_ctl").toString(), "status", "-D", dataDir.toString());
    } catch (IllegalStateException notRunning) {
      return;
    }
    LOG.info("event=postgres_leftover_stopped dir={}", dataDir);
    stopServer(dataDir);
  }

  private boolean isIntact(Path dataDir) {
    try {
      return Files.isRegularFile(dataDir.resolve("global/pg_control"))
          && Files.readString(dataDir.resolve("PG_VERSION"))
              .trim()
              .equals(Integer.toString(binaries.major()));
    } catch (IOException e) {
      return false;
    }
  }

  private boolean sameSystemIdentifier() {
    return Files.exists(replicaDir.resolve("standby.signal"))
        && systemIdentifier(primaryDir).equals(systemIdentifier(replicaDir));
  }

  private String systemIdentifier(Path dataDir) {
    try {
      String out = run(binaries.program("pg_controldata").toString(), dataDir.toString());
      return out.lines()
          .filter(line -> line.startsWith("Database system identifier:"))
          .findFirst()
          .orElse("unknown " + dataDir);
    } catch (IllegalStateException e) {
      return "unreadable " + dataDir;
    }
  }

  private String replicaQuery(String sql) {
    try (Connection connection = connectReplica("postgres");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("replica on port " + replicaPort + ": " + sql + " failed", e);
    }
  }

  private static Connection connect(int port, String db, String applicationName)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", SUPERUSER);
    properties.setProperty("connectTimeout", "5");
    properties.setProperty("loginTimeout", "5");
    properties.setProperty("socketTimeout", "60");
    properties.setProperty("ApplicationName", applicationName);
    return DriverManager.getConnection(
        "jdbc:postgresql://" + HOST + ":" + port + "/" + db, properties);
  }

  private String run(String... command) {
    return Processes.run(List.of(command), runAs, COMMAND_TIMEOUT);
  }

  private void createDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      giveToServerUser(dir);
    } catch (IOException e) {
      throw new IllegalStateException("could not create " + dir, e);
    }
    if (!runAs.isEmpty()) {
      try {
        Processes.run(List.of("test", "-w", dir.toString()), runAs, Duration.ofSeconds(10));
      } catch (IllegalStateException e) {
        throw new IllegalStateException(
            dir
                + " is not writable by the OS user "
                + runAs
                + "; choose a base directory whose parents other users may enter",
            e);
      }
    }
  }

  private void writeLabConf(Path dataDir, String content) {
    writeFile(dataDir.resolve(LAB_CONF), content);
  }

  private void writeFile(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
      giveToServerUser(file);
    } catch (IOException e) {
      throw new IllegalStateException("could not write " + file, e);
    }
  }

  private void appendFile(Path file, String content) {
    try {
      Files.writeString(
          file, content, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IllegalStateException("could not append to " + file, e);
    }
  }

  private void giveToServerUser(Path path) throws IOException {
    if (runAs.isEmpty()) {
      return;
    }
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(path, users.lookupPrincipalByName(runAs));
    Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class)
        .setGroup(users.lookupPrincipalByGroupName(runAs));
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not delete " + dir, e);
    }
  }

  private static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
    }
  }
}
