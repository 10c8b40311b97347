package io.freightwatch.bench;

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
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 2: one agent process against 50, 200 and 500 Odoo tenant databases on one scratch
 * PostgreSQL cluster. For each tenant count it starts the agent with the lean JVM flags, waits
 * until every tenant was scraped once, lets warm-up cycles pass and then measures: process CPU per
 * cycle, resident memory, PostgreSQL sessions of the agent (sampled every second from {@code
 * pg_stat_activity}), sessions opened per cycle ({@code pg_stat_database.sessions}) and the Odoo
 * scrape durations the agent reports.
 *
 * <p>Arguments: the agent jar, the work directory, the scrape interval in seconds, the measured
 * cycles, the connection cap and the tenant counts. See bench/scale.sh.
 */
public final class ScaleBench {

  private static final long CLOCK_TICKS = 100;
  private static final int WARM_UP_CYCLES = 1;
  private static final String TEMPLATE_TENANT = "acme";
  private static final String BENCH_PREFIX = "odoo_s";

  private final Path jar;
  private final Path dir;
  private final Duration interval;
  private final int cycles;
  private final int connectionCap;
  private final HttpClient http = HttpClient.newHttpClient();

  private ScaleBench(Path jar, Path dir, Duration interval, int cycles, int connectionCap) {
    this.jar = jar;
    this.dir = dir;
    this.interval = interval;
    this.cycles = cycles;
    this.connectionCap = connectionCap;
  }

  public static void main(String[] args) throws Exception {
    ScaleBench bench = new ScaleBench(Path.of(args[0]), Path.of(args[1]),
        Duration.ofSeconds(Long.parseLong(args[2])), Integer.parseInt(args[3]),
        Integer.parseInt(args[4]));
    List<Integer> counts = new ArrayList<>();
    for (int i = 5; i < args.length; i++) {
      counts.add(Integer.parseInt(args[i]));
    }
    bench.run(counts);
  }

  private void run(List<Integer> counts) throws Exception {
    Files.createDirectories(dir);
    int largest = Collections.max(counts);
    StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
        "interval %d s, %d measured cycles after %d warm-up, connection cap %d%n%n",
        interval.toSeconds(), cycles, WARM_UP_CYCLES, connectionCap));
    report.append("| tenants | ready after s | CPU ms/cycle | CPU % of one core | RSS MiB"
        + " (peak) | sessions max (mean) | sessions opened/cycle | tenant scrape ms median"
        + " (max) | tenants up | skipped | threads max |\n");
    report.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    try (LabPostgres postgres = LabPostgres.start(dir.resolve("lab"), 0, 0)) {
      createTenants(postgres, largest);
      for (int count : counts) {
        String row = measure(postgres, count);
        System.out.println(row);
        report.append(row).append('\n');
      }
    }
    System.out.println(report);
    Files.writeString(dir.resolve("scale.md"), report);
  }

  /** Creates {@code count} tenant databases as copies of one seeded lab tenant. */
  private static void createTenants(LabPostgres postgres, int count) throws SQLException {
    OdooTenants template = OdooTenants.create(postgres, 1);
    String source = template.get(TEMPLATE_TENANT).database();
    try (Connection admin = postgres.connectPrimary("postgres");
        Statement statement = admin.createStatement()) {
      List<String> existing = new ArrayList<>();
      try (ResultSet row = statement.executeQuery("SELECT datname FROM pg_database")) {
        while (row.next()) {
          existing.add(row.getString(1));
        }
      }
      for (int i = 0; i < count; i++) {
        String database = databaseName(i);
        if (!existing.contains(database)) {
          statement.execute("CREATE DATABASE " + database + " TEMPLATE " + source
              + " STRATEGY FILE_COPY");
        }
      }
    }
    System.out.printf("scale: %d tenant databases ready%n", count);
  }

  private static String databaseName(int index) {
    return String.format(Locale.ROOT, "%s%04d", BENCH_PREFIX, index);
  }

  /** Returns a regular expression that matches the first {@code count} tenant databases. */
  static String firstDatabases(int count) {
    List<String> parts = new ArrayList<>();
    int hundreds = count / 100;
    for (int h = 0; h < hundreds; h++) {
      parts.add(String.format(Locale.ROOT, "0%d[0-9][0-9]", h));
    }
    int rest = count % 100;
    for (int i = 0; i < rest; i++) {
      parts.add(String.format(Locale.ROOT, "%04d", hundreds * 100 + i));
    }
    return BENCH_PREFIX + "(" + String.join("|", parts) + ")";
  }

  private String measure(LabPostgres postgres, int count) throws Exception {
    int port = freePort();
    Path config = writeConfig(postgres, count, port);
    Path log = dir.resolve("agent-" + count + ".log");
    ProcessBuilder builder = new ProcessBuilder(agentCommand(config)).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // Two malloc arenas, as agent/Containerfile sets, unless the caller's environment sets
    // another value.
    builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
    Process agent = builder.start();
    try (Connection admin = postgres.connectPrimary("postgres", "scale-bench");
        Statement sampler = admin.createStatement()) {
      String base = "http://127.0.0.1:" + port;
      long started = System.nanoTime();
      awaitReady(agent, base, Duration.ofMinutes(5));
      double readySeconds = (System.nanoTime() - started) / 1e9;
      TimeUnit.MILLISECONDS.sleep(interval.toMillis() * WARM_UP_CYCLES);

      long ticksAtStart = processTicks(agent.pid());
      long sessionsAtStart = sessionsOpened(sampler);
      List<Integer> sessionsHeld = new ArrayList<>();
      long threadsMax = 0;
      long deadline = System.nanoTime() + interval.toNanos() * cycles;
      while (System.nanoTime() < deadline) {
        sessionsHeld.add(agentSessions(sampler));
        threadsMax = Math.max(threadsMax, statusValue(agent.pid(), "Threads"));
        TimeUnit.SECONDS.sleep(1);
      }
      long ticks = processTicks(agent.pid()) - ticksAtStart;
      long sessions = sessionsOpened(sampler) - sessionsAtStart;
      TenantScrapes scrapes = tenantScrapes(base);

      double cpuMillis = ticks * 1000.0 / CLOCK_TICKS / cycles;
      return String.format(Locale.ROOT,
          "| %d | %.1f | %.0f | %.1f | %.1f (%.1f) | %d (%.1f) | %.1f | %.1f (%.1f) | %d | %.0f"
              + " | %d |",
          count, readySeconds, cpuMillis, cpuMillis / interval.toMillis() * 100,
          statusValue(agent.pid(), "VmRSS") / 1024.0, statusValue(agent.pid(), "VmHWM") / 1024.0,
          Collections.max(sessionsHeld), sessionsHeld.stream().mapToInt(Integer::intValue).average().orElse(0),
          sessions / (double) cycles, scrapes.medianMillis(), scrapes.maxMillis(), scrapes.up(),
          scrapes.skipped(), threadsMax);
    } finally {
      agent.destroy();
      if (!agent.waitFor(30, TimeUnit.SECONDS)) {
        agent.destroyForcibly();
      }
    }
  }

  private Path writeConfig(LabPostgres postgres, int count, int port) throws IOException {
    Path rules = Path.of(System.getProperty("user.dir")).resolve("alert-rules").toAbsolutePath();
    String every = interval.toSeconds() + "s";
    String yaml = """
        agent:
          listen: 127.0.0.1:%d
          scrape_timeout: 10s
          max_database_connections: %d
          data_directory: data-%d
        targets:
          postgres:
            - name: scale-primary
              cluster: scale
              dsn: postgresql://%s@127.0.0.1:%d/postgres?sslmode=disable
              interval: %s
          odoo:
            - server: scale-primary
              discover:
                include: "%s"
                tenant_name: "%s(?<tenant>.+)"
              interval: %s
        rules:
          directory: %s
          evaluation_interval: %s
        """.formatted(port, connectionCap, count, LabPostgres.MONITOR_ROLE,
        postgres.primaryPort(), every, firstDatabases(count), BENCH_PREFIX, every, rules, every);
    Path file = dir.resolve("freightwatch-" + count + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** Returns the lean JVM flags, or those of FW_BENCH_AGENT_OPTS when it is set. */
  private List<String> agentCommand(Path config) {
    List<String> command = new ArrayList<>(List.of("java"));
    String options = System.getenv("FW_BENCH_AGENT_OPTS");
    if (options == null || options.isBlank()) {
      command.addAll(List.of("-XX:+UseSerialGC", "-Xss512k", "-XX:MaxMetaspaceSize=64m",
          "-Xmx64m", "-Xms16m", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=32m",
          "-Xmn8m", "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=40",
          "-XX:TrimNativeHeapInterval=60000", "-XX:CompileThresholdScaling=3"));
    } else {
      command.addAll(List.of(options.trim().split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
    return command;
  }

  private void awaitReady(Process agent, String base, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!agent.isAlive()) {
        throw new IllegalStateException("agent exited with " + agent.exitValue());
      }
      if (status(base + "/readyz") == 200) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException("agent not ready within " + limit);
  }

  private int status(String url) throws InterruptedException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException notListening) {
      return -1;
    }
  }

  /** Reads the agent's Odoo scrape durations, up targets and skipped scrapes from /metrics. */
  private TenantScrapes tenantScrapes(String base) throws IOException, InterruptedException {
    String body = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    List<Double> durations = new ArrayList<>();
    int up = 0;
    double skipped = 0;
    for (String line : body.split("\n")) {
      if (!line.contains("source=\"odoo\"")) {
        continue;
      }
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (line.startsWith("freightwatch_scrape_duration_seconds{")) {
        durations.add(value * 1000);
      } else if (line.startsWith("freightwatch_target_up{") && value == 1) {
        up++;
      } else if (line.startsWith("freightwatch_scrapes_skipped_total{")) {
        skipped += value;
      }
    }
    Collections.sort(durations);
    double median = durations.isEmpty() ? Double.NaN : durations.get(durations.size() / 2);
    double max = durations.isEmpty() ? Double.NaN : durations.get(durations.size() - 1);
    return new TenantScrapes(median, max, up, skipped);
  }

  private static int agentSessions(Statement sampler) throws SQLException {
    try (ResultSet row = sampler.executeQuery("SELECT count(*) FROM pg_stat_activity"
        + " WHERE application_name = 'freightwatch'")) {
      row.next();
      return row.getInt(1);
    }
  }

  /** Returns the sessions ever opened on the server, from pg_stat_database (PostgreSQL 14+). */
  private static long sessionsOpened(Statement sampler) throws SQLException {
    try (ResultSet row = sampler.executeQuery(
        "SELECT coalesce(sum(sessions), 0) FROM pg_stat_database")) {
      row.next();
      return row.getLong(1);
    }
  }

  private static long processTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static long statusValue(long pid, String field) throws IOException {
    Optional<String> line = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))
        .stream().filter(l -> l.startsWith(field + ":")).findFirst();
    return line.map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(-1L);
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private record TenantScrapes(double medianMillis, double maxMillis, int up, double skipped) {}
}
