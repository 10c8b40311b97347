package io.freightwatch.bench;

import io.freightwatch.lab.AgentConfigFile;
import io.freightwatch.lab.Lab;
import io.freightwatch.lab.LabOptions;
import io.freightwatch.lab.LabPostgres;
import io.freightwatch.lab.OdooTenants;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 3: the agent next to Debian's prometheus-postgres-exporter (database auto-discovery on,
 * plus a custom queue_job query per database, as its users set it up) and prometheus-redis-exporter,
 * in one run on one lab. Every tool reads the same PostgreSQL primary and Redis at the same
 * interval. It prints, per tool: resident memory, process CPU per cycle, /metrics latency, and
 * PostgreSQL statement time and backend CPU per cycle, then the agent-to-exporter ratios.
 *
 * <p>Arguments: the agent jar, the lab directory, the number of tenant databases, the interval in
 * seconds and the number of measured cycles. See bench/side-by-side.sh.
 */
public final class SideBySide {

  private static final String EXPORTER_ROLE = "postgres_exporter";
  private static final long CLOCK_TICKS = 100;

  private final Path jar;
  private final Path dir;
  private final int tenants;
  private final Duration interval;
  private final int cycles;
  private final int connectionCap;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> processes = new ArrayList<>();

  private SideBySide(Path jar, Path dir, int tenants, Duration interval, int cycles,
      int connectionCap) {
    this.connectionCap = connectionCap;
    this.jar = jar;
    this.dir = dir;
    this.tenants = tenants;
    this.interval = interval;
    this.cycles = cycles;
  }

  public static void main(String[] args) throws Exception {
    SideBySide run = new SideBySide(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]),
        Duration.ofSeconds(Long.parseLong(args[3])), Integer.parseInt(args[4]),
        Integer.parseInt(args[5]));
    try {
      run.run();
    } finally {
      run.stopProcesses();
    }
  }

  private void run() throws Exception {
    Files.createDirectories(dir);
    try (Lab lab = Lab.start(LabOptions.withFreePorts(dir.resolve("lab")).withTenants(tenants))) {
      LabPostgres postgres = lab.postgres();
      createExporterRole(postgres, lab.tenants());
      int agentPort = freePort();
      int pgExporterPort = freePort();
      int redisExporterPort = freePort();
      Path config = dir.resolve("freightwatch.yaml");
      lab.writeAgentConfig(config, new AgentConfigFile("127.0.0.1:" + agentPort, interval,
          Path.of(System.getProperty("user.dir")).resolve("alert-rules"), "http://127.0.0.1:9/"));
      Files.writeString(config, Files.readString(config).replace("agent:\n",
          "agent:\n  max_database_connections: " + connectionCap + "\n"));
      // Two malloc arenas, as agent/Containerfile sets, unless the caller's environment sets
      // another value.
      Process agent = start("agent", agentCommand(config),
          Map.of("MALLOC_ARENA_MAX", System.getenv().getOrDefault("MALLOC_ARENA_MAX", "2")));
      Process pgExporter = start("postgres_exporter", List.of(
          "/usr/bin/prometheus-postgres-exporter", "--web.listen-address=127.0.0.1:"
              + pgExporterPort, "--auto-discover-databases", "--exclude-databases=postgres",
          "--extend.query-path=" + writeQueueJobQuery()),
          // Pointed at a tenant database and with postgres excluded, so that every database it
          // queries has queue_job, because the exporter returns HTTP 500 when a custom query fails.
          Map.of("DATA_SOURCE_NAME", "postgresql://" + EXPORTER_ROLE + "@127.0.0.1:"
              + postgres.primaryPort() + "/" + lab.tenants().all().get(0).database()
              + "?sslmode=disable"));
      Process redisExporter = start("redis_exporter", List.of(
          "/usr/bin/prometheus-redis-exporter", "-web.listen-address", "127.0.0.1:"
              + redisExporterPort, "-redis.addr", lab.redis().uri()), Map.of());

      Tool agentTool = new Tool("freightwatch", agent, "http://127.0.0.1:" + agentPort
          + "/metrics", LabPostgres.MONITOR_ROLE);
      Tool pgTool = new Tool("postgres_exporter", pgExporter, "http://127.0.0.1:" + pgExporterPort
          + "/metrics", EXPORTER_ROLE);
      Tool redisTool = new Tool("redis_exporter", redisExporter, "http://127.0.0.1:"
          + redisExporterPort + "/metrics", "");
      List<Tool> tools = List.of(agentTool, pgTool, redisTool);

      for (Tool tool : tools) {
        tool.awaitReady(http, Duration.ofSeconds(90));
      }
      System.out.printf("side-by-side: warming up for 3 cycles of %d s%n", interval.toSeconds());
      for (int i = 0; i < 3; i++) {
        cycle(tools, postgres);
      }
      for (Tool tool : tools) {
        tool.startWindow(statementMillis(postgres, tool.role()));
      }
      for (int i = 0; i < cycles; i++) {
        cycle(tools, postgres);
      }
      for (Tool tool : tools) {
        tool.endWindow(statementMillis(postgres, tool.role()));
      }
      report(tools, postgres);
    }
  }

  /**
   * Returns the agent's command line: the lean JVM flags, or the flags in the environment variable
   * FW_BENCH_AGENT_OPTS when it is set (for example to add a flight recording).
   */
  private List<String> agentCommand(Path config) {
    List<String> command = new ArrayList<>(List.of("java"));
    String options = System.getenv("FW_BENCH_AGENT_OPTS");
    if (options == null || options.isBlank()) {
      // -XX:-UsePerfData as in agent/Containerfile. Without it the JVM's periodic task thread
      // samples performance counters, measured at about 5 ms of CPU per 10 s cycle.
      command.addAll(List.of("-XX:+UseSerialGC", "-Xss512k", "-XX:MaxMetaspaceSize=64m",
          "-Xmx64m", "-Xms16m", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=32m",
          "-Xmn8m", "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=40",
          "-XX:TrimNativeHeapInterval=60000", "-XX:CompileThresholdScaling=3",
          "-XX:-UsePerfData"));
    } else {
      command.addAll(List.of(options.trim().split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
    return command;
  }

  private void cycle(List<Tool> tools, LabPostgres postgres) throws Exception {
    long start = System.nanoTime();
    for (Tool tool : tools) {
      tool.scrape(http);
    }
    Map<Integer, Long> ticks = backendTicks(postgres);
    for (Tool tool : tools) {
      tool.recordBackends(postgres, ticks);
    }
    long elapsed = System.nanoTime() - start;
    TimeUnit.NANOSECONDS.sleep(Math.max(0, interval.toNanos() - elapsed));
  }

  private void report(List<Tool> tools, LabPostgres postgres) throws SQLException {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "PostgreSQL %d, %d tenant databases, %d cycles of %d s,"
            + " agent connection cap %d%n%n", postgres.majorVersion(), tenants, cycles,
        interval.toSeconds(), connectionCap));
    out.append("| tool | RSS MiB (peak) | process CPU ms/cycle | /metrics median ms (p90) |"
        + " PostgreSQL statement ms/cycle | PostgreSQL backend CPU ms/cycle | backends |\n");
    out.append("|---|---|---|---|---|---|---|\n");
    for (Tool tool : tools) {
      out.append(tool.row(cycles)).append('\n');
    }
    Tool agent = tools.get(0);
    Tool pg = tools.get(1);
    Tool redis = tools.get(2);
    out.append(String.format(Locale.ROOT, "%nratios, agent / exporter:%n"
            + "- PostgreSQL statement time per cycle: %.2f (goal <= 0.5)%n"
            + "- PostgreSQL backend CPU per cycle: %.2f%n"
            + "- process CPU per cycle, agent / (postgres_exporter + redis_exporter): %.2f (goal"
            + " <= 0.5)%n"
            + "- RSS, agent / (postgres_exporter + redis_exporter): %.2f%n",
        agent.statementMillis() / pg.statementMillis(),
        agent.backendMillis() / pg.backendMillis(),
        agent.cpuMillis() / (pg.cpuMillis() + redis.cpuMillis()),
        agent.rssKib() / (double) (pg.rssKib() + redis.rssKib())));
    for (Tool tool : List.of(agent, pg)) {
      out.append(topStatements(postgres, tool.role()));
    }
    System.out.println(out);
    try {
      Files.writeString(dir.resolve("side-by-side.md"), out);
    } catch (IOException e) {
      System.err.println("could not write the result file: " + e);
    }
  }

  /** Returns the role's statements with the most time since the lab started, as a list. */
  private static String topStatements(LabPostgres postgres, String role) throws SQLException {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%ntop statements of %s since the lab started (calls, total ms, text):%n", role));
    try (Connection admin = postgres.connectPrimary("postgres");
        Statement statement = admin.createStatement();
        ResultSet row = statement.executeQuery("SELECT sum(s.calls), sum(s.total_exec_time"
            + " + s.total_plan_time), left(regexp_replace(min(s.query), '\\s+', ' ', 'g'), 110)"
            + " FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = '"
            + role + "' GROUP BY s.queryid ORDER BY 2 DESC LIMIT 8")) {
      while (row.next()) {
        out.append(String.format(Locale.ROOT, "- %d, %.0f, %s%n", row.getLong(1),
            row.getDouble(2), row.getString(3)));
      }
    }
    return out.toString();
  }

  /** Creates the exporter's role like the agent's: pg_monitor plus SELECT on the tenant tables. */
  private static void createExporterRole(LabPostgres postgres, OdooTenants tenants)
      throws SQLException {
    try (Connection admin = postgres.connectPrimary("postgres");
        Statement statement = admin.createStatement()) {
      statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
          + EXPORTER_ROLE + "') THEN CREATE ROLE " + EXPORTER_ROLE + " LOGIN; END IF; END $$");
      statement.execute("GRANT pg_monitor TO " + EXPORTER_ROLE);
    }
    for (OdooTenants.Tenant tenant : tenants.all()) {
      try (Connection admin = postgres.connectPrimary(tenant.database());
          Statement statement = admin.createStatement()) {
        statement.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + EXPORTER_ROLE);
      }
    }
  }

  /**
   * Writes the custom query postgres_exporter users add for Odoo's job queue. It needs the
   * database as a label, because the exporter gives every auto-discovered database of a server the
   * same server label and rejects the duplicates with HTTP 500.
   */
  private Path writeQueueJobQuery() throws IOException {
    Path file = dir.resolve("queue-job-query.yaml");
    Files.writeString(file, """
        odoo_queue_job:
          query: "SELECT current_database() AS datname, channel, state, count(*) AS jobs
            FROM queue_job GROUP BY channel, state"
          metrics:
            - datname:
                usage: "LABEL"
                description: "Tenant database"
            - channel:
                usage: "LABEL"
                description: "queue_job channel"
            - state:
                usage: "LABEL"
                description: "queue_job state"
            - jobs:
                usage: "GAUGE"
                description: "Jobs per channel and state"
        """);
    return file;
  }

  /** Returns the statement time (execution and planning) of every statement run by a role. */
  private static double statementMillis(LabPostgres postgres, String role) throws SQLException {
    if (role.isEmpty()) {
      return 0;
    }
    try (Connection admin = postgres.connectPrimary("postgres");
        Statement statement = admin.createStatement();
        ResultSet row = statement.executeQuery("SELECT coalesce(sum(s.total_exec_time"
            + " + s.total_plan_time), 0) FROM pg_stat_statements s JOIN pg_roles r"
            + " ON r.oid = s.userid WHERE r.rolname = '" + role + "'")) {
      row.next();
      return row.getDouble(1);
    }
  }

  /** Returns the CPU clock ticks of every client backend by pid, read from /proc. */
  private static Map<Integer, Long> backendTicks(LabPostgres postgres) throws SQLException {
    Map<Integer, Long> ticks = new HashMap<>();
    try (Connection admin = postgres.connectPrimary("postgres");
        Statement statement = admin.createStatement();
        ResultSet row = statement.executeQuery("SELECT pid, usename FROM pg_stat_activity"
            + " WHERE backend_type = 'client backend'")) {
      while (row.next()) {
        int pid = row.getInt(1);
        processTicks(pid).ifPresent(value -> ticks.put(pid, value));
      }
    }
    return ticks;
  }

  private static java.util.Optional<Long> processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return java.util.Optional.of(Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
    } catch (IOException | RuntimeException gone) {
      return java.util.Optional.empty();
    }
  }

  private static long statusKib(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  private Process start(String name, List<String> command, Map<String, String> environment)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private void stopProcesses() throws InterruptedException {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** One measured process and what it caused on the PostgreSQL server. */
  private static final class Tool {
    private final String name;
    private final Process process;
    private final String url;
    private final String role;
    private final List<Double> latenciesMillis = new ArrayList<>();
    private final Map<Integer, long[]> backendTicks = new HashMap<>();
    private boolean measuring;
    private long cpuTicksAtStart;
    private long cpuTicksAtEnd;
    private double statementMillisAtStart;
    private double statementMillisAtEnd;

    Tool(String name, Process process, String url, String role) {
      this.name = name;
      this.process = process;
      this.url = url;
      this.role = role;
    }

    String role() {
      return role;
    }

    void scrape(HttpClient http) throws IOException, InterruptedException {
      long start = System.nanoTime();
      HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
      double millis = (System.nanoTime() - start) / 1e6;
      if (response.statusCode() != 200) {
        String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        throw new IllegalStateException(name + " answered HTTP " + response.statusCode() + ": "
            + body.substring(0, Math.min(300, body.length())));
      }
      if (measuring) {
        latenciesMillis.add(millis);
      }
    }

    void awaitReady(HttpClient http, Duration limit) throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      String lastError = "";
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(name + " exited with " + process.exitValue());
        }
        try {
          scrape(http);
          return;
        } catch (IOException | IllegalStateException notYet) {
          lastError = notYet.getMessage();
          TimeUnit.MILLISECONDS.sleep(250);
        }
      }
      throw new IllegalStateException(name + " did not serve " + url + " within " + limit
          + "; last error: " + lastError);
    }

    void recordBackends(LabPostgres postgres, Map<Integer, Long> ticksByPid) throws SQLException {
      if (!measuring || role.isEmpty()) {
        return;
      }
      try (Connection admin = postgres.connectPrimary("postgres");
          Statement statement = admin.createStatement();
          ResultSet row = statement.executeQuery("SELECT pid FROM pg_stat_activity WHERE usename"
              + " = '" + role + "'")) {
        while (row.next()) {
          Long ticks = ticksByPid.get(row.getInt(1));
          if (ticks != null) {
            backendTicks.computeIfAbsent(row.getInt(1), pid -> new long[] {ticks, ticks})[1] =
                ticks;
          }
        }
      }
    }

    void startWindow(double statementMillis) {
      measuring = true;
      cpuTicksAtStart = processTicks(process.pid()).orElse(0L);
      statementMillisAtStart = statementMillis;
    }

    void endWindow(double statementMillis) {
      measuring = false;
      cpuTicksAtEnd = processTicks(process.pid()).orElse(0L);
      statementMillisAtEnd = statementMillis;
    }

    double cpuMillis() {
      return (cpuTicksAtEnd - cpuTicksAtStart) * 1000.0 / CLOCK_TICKS;
    }

    double statementMillis() {
      return statementMillisAtEnd - statementMillisAtStart;
    }

    double backendMillis() {
      long ticks = 0;
      for (long[] firstAndLast : backendTicks.values()) {
        ticks += firstAndLast[1] - firstAndLast[0];
      }
      return ticks * 1000.0 / CLOCK_TICKS;
    }

    long rssKib() {
      return statusKib(process.pid(), "VmRSS");
    }

    String row(int cycles) {
      List<Double> sorted = new ArrayList<>(latenciesMillis);
      Collections.sort(sorted);
      double median = sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
      double p90 = sorted.isEmpty() ? Double.NaN : sorted.get((int) (sorted.size() * 0.9));
      boolean postgres = !role.isEmpty();
      return String.format(Locale.ROOT, "| %s | %.1f (%.1f) | %.1f | %.1f (%.1f) | %s | %s | %s |",
          name, rssKib() / 1024.0, statusKib(process.pid(), "VmHWM") / 1024.0,
          cpuMillis() / cycles, median, p90,
          postgres ? String.format(Locale.ROOT, "%.1f", statementMillis() / cycles) : "-",
          postgres ? String.format(Locale.ROOT, "%.1f", backendMillis() / cycles) : "-",
          postgres ? Integer.toString(backendTicks.size()) : "-");
    }
  }
}
