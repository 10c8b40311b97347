package io.freightwatch.bench;

import com.sun.management.OperatingSystemMXBean;
import io.freightwatch.collect.odoo.OdooQueueCollector;
import io.freightwatch.collect.postgres.PgSessions;
import io.freightwatch.collect.postgres.ScrapeHarness;
import io.freightwatch.collect.postgres.TestPostgres;
import io.freightwatch.config.OdooQueueSettings;
import io.freightwatch.config.OdooTarget;
import io.freightwatch.store.Sample;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Benchmark 1: the cost of one Odoo tenant scrape (queue depth, running jobs, finished jobs above
 * the high-water mark) against queue_job tables holding 0.1 M, 1 M and 5 M done jobs, next to
 * the naive {@code GROUP BY channel, state} over the whole table.
 *
 * <p>Each size gets a scratch Odoo 17 database on the PostgreSQL server that {@link TestPostgres}
 * finds (set FREIGHTWATCH_TEST_PG_HOST and FREIGHTWATCH_TEST_PG_PORT for a fixed server), dropped
 * at the end. Every size has the same 100 failed jobs, spread over the table, and the same open
 * backlog (2,000 pending, 8 started, 2 enqueued). Before each measured scrape the same traffic
 * arrives: 100 new jobs done, 50 pending jobs done, 50 new pending jobs. Reported per size, over
 * the measured cycles: median and 90th percentile wall time of the collector's scrape, mean agent
 * process CPU per scrape (every JVM thread, including the idle Vert.x threads and GC; the OS counts
 * it in 10 ms steps, so the mean is steadier than the median), and median wall time of the naive
 * query.
 *
 * <p>Arguments: sizes separated by commas (default 100000,1000000,5000000), measured cycles per
 * size (default 30).
 */
public final class QueueCollectionCost {

  private static final String NAIVE = "SELECT channel, state, count(*) FROM queue_job GROUP BY 1, 2";
  private static final int WARM_UP_CYCLES = 20;

  private QueueCollectionCost() {}

  public static void main(String[] args) throws Exception {
    long[] sizes =
        Arrays.stream((args.length > 0 ? args[0] : "100000,1000000,5000000").split(","))
            .mapToLong(Long::parseLong)
            .toArray();
    int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    List<String> rows = new ArrayList<>();
    // close() drops every scratch database this handle created.
    try (TestPostgres server = TestPostgres.connectOrSkip();
        ScrapeHarness harness = new ScrapeHarness(Duration.ofSeconds(60))) {
      List<Subject> subjects = new ArrayList<>();
      for (long size : sizes) {
        String database = server.createNamedOdooDatabase("fw_queue_bench_" + size);
        long started = System.nanoTime();
        load(database, size);
        System.out.printf(
            Locale.ROOT, "loaded %d done jobs in %.0f s%n", size, (System.nanoTime() - started) / 1e9);
        subjects.add(new Subject(server, database, size, cycles));
      }
      // Round robin over the sizes, so that load from other processes on the machine and the
      // JIT's warm-up fall on every size alike.
      for (int round = 0; round < WARM_UP_CYCLES; round++) {
        for (Subject subject : subjects) {
          subject.cycle(harness, -1);
        }
      }
      for (int round = 0; round < cycles; round++) {
        for (Subject subject : subjects) {
          subject.cycle(harness, round);
        }
      }
      for (Subject subject : subjects) {
        rows.add(subject.row(server));
        subject.close();
      }
    }
    System.out.println();
    System.out.println(
        "| done jobs | scrape median ms | scrape p90 ms | agent CPU mean ms | naive GROUP BY"
            + " median ms | queue_job size |");
    System.out.println("|---:|---:|---:|---:|---:|---|");
    rows.forEach(System.out::println);
  }

  /** One scratch tenant database with its collector and the measurements taken on it. */
  private static final class Subject implements AutoCloseable {
    private final String database;
    private final long size;
    private final PgSessions sessions = new PgSessions(2);
    private final Connection admin;
    private final OdooQueueCollector collector;
    private final OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final double[] scrape;
    private final double[] cpu;
    private final double[] naive;

    Subject(TestPostgres server, String database, long size, int cycles) throws SQLException {
      this.database = database;
      this.size = size;
      this.admin = server.admin(database);
      this.scrape = new double[cycles];
      this.cpu = new double[cycles];
      this.naive = new double[cycles];
      OdooTarget.Tenant tenant = new OdooTarget.Tenant("bench", database);
      OdooQueueSettings settings =
          new OdooQueueSettings(
              Map.of("root", 8, "root.edi", 4, "root.carrier", 3),
              Duration.ofHours(1),
              Duration.ofMinutes(5),
              Map.of("root.edi", Duration.ofMinutes(15)),
              Map.of());
      OdooTarget target =
          new OdooTarget(
              server.target("bench-pg", "postgres", Duration.ofSeconds(30)),
              List.of(tenant),
              Optional.empty(),
              Duration.ofSeconds(15),
              settings);
      this.collector = new OdooQueueCollector(target, tenant, sessions);
    }

    /** Runs one cycle: traffic, then a timed scrape and a timed naive query; -1 records nothing. */
    void cycle(ScrapeHarness harness, int index) throws SQLException {
      traffic(admin);
      long cpuBefore = os.getProcessCpuTime();
      long before = System.nanoTime();
      requireSamples(harness.scrape(collector));
      double scrapeMillis = (System.nanoTime() - before) / 1e6;
      double cpuMillis = (os.getProcessCpuTime() - cpuBefore) / 1e6;
      long naiveBefore = System.nanoTime();
      execute(admin, NAIVE);
      double naiveMillis = (System.nanoTime() - naiveBefore) / 1e6;
      if (index >= 0) {
        scrape[index] = scrapeMillis;
        cpu[index] = cpuMillis;
        naive[index] = naiveMillis;
      }
    }

    String row(TestPostgres server) throws SQLException {
      String row =
          String.format(
              Locale.ROOT,
              "| %,d | %.2f | %.2f | %.2f | %.1f | %s |",
              size,
              quantile(scrape, 0.5),
              quantile(scrape, 0.9),
              Arrays.stream(cpu).average().orElse(Double.NaN),
              quantile(naive, 0.5),
              tableSize(server, database));
      System.out.println(row);
      return row;
    }

    @Override
    public void close() throws SQLException {
      admin.close();
      sessions.close();
    }

    private static double quantile(double[] values, double quantile) {
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
    }
  }

  private static String tableSize(TestPostgres server, String database) throws SQLException {
    try (Connection admin = server.admin(database);
        Statement statement = admin.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT pg_size_pretty(pg_total_relation_size('queue_job'))")) {
      row.next();
      return row.getString(1);
    }
  }

  private static void requireSamples(List<Sample> samples) {
    if (samples.stream().noneMatch(s -> s.name().equals("freightwatch_odoo_queue_jobs"))) {
      throw new IllegalStateException("the scrape returned no queue series: " + samples);
    }
  }

  // Loads through its own session because building millions of rows and their indexes outlasts
  // the 30 s socket timeout of TestPostgres.admin.
  private static void load(String database, long size) throws SQLException {
    String url =
        "jdbc:postgresql://"
            + System.getenv().getOrDefault("FREIGHTWATCH_TEST_PG_HOST", "127.0.0.1")
            + ":"
            + System.getenv().getOrDefault("FREIGHTWATCH_TEST_PG_PORT", "5432")
            + "/"
            + database
            + "?sslmode=disable";
    String user = System.getenv().getOrDefault("FREIGHTWATCH_TEST_PG_USER", "postgres");
    try (Connection loader = DriverManager.getConnection(url, user, "")) {
      insertRows(loader, size);
    }
  }

  private static void insertRows(Connection loader, long size) throws SQLException {
    execute(
        loader,
        "INSERT INTO ir_module_module (name, state, latest_version) VALUES"
            + " ('base', 'installed', '17.0.1.3'), ('queue_job', 'installed', '17.0.1.0.5')");
    try (PreparedStatement insert =
        loader.prepareStatement(
            """
        INSERT INTO queue_job (uuid, name, channel, state, model_name, method_name, date_created,
                               date_enqueued, date_started, date_done, exec_time, retry,
                               max_retries, company_id, priority, func_string)
        SELECT md5(g::text), 'Import order ' || g,
               (ARRAY['root', 'root.edi', 'root.carrier', 'root.mail',
                      'root.edi.order_import'])[1 + g % 5],
               CASE WHEN g % (? / 100) = 0 THEN 'failed' ELSE 'done' END,
               'sale.order', 'import_order', t, t + interval '1 second',
               t + interval '2 seconds',
               CASE WHEN g % (? / 100) = 0 THEN NULL ELSE t + interval '5 seconds' END,
               3, 1, 5, 1, 10, 'sale.order(' || g || ',).import_order()'
        FROM generate_series(1, ?) AS g,
             LATERAL (SELECT timestamp '2024-01-01' + g * interval '3 seconds') AS d (t)
        """)) {
      insert.setLong(1, size);
      insert.setLong(2, size);
      insert.setLong(3, size);
      insert.executeUpdate();
    }
    execute(
        loader,
        """
        INSERT INTO queue_job (uuid, name, channel, state, model_name, method_name, date_created,
                               date_enqueued, date_started, retry, max_retries, company_id)
        SELECT 'open' || g, 'Open job ' || g,
               (ARRAY['root.edi', 'root.carrier'])[1 + g % 2],
               CASE WHEN g <= 8 THEN 'started' WHEN g <= 10 THEN 'enqueued' ELSE 'pending' END,
               'sale.order', 'import_order', now() AT TIME ZONE 'UTC',
               CASE WHEN g <= 10 THEN now() AT TIME ZONE 'UTC' END,
               CASE WHEN g <= 8 THEN now() AT TIME ZONE 'UTC' END, 0, 5, 1
        FROM generate_series(1, 2010) AS g
        """);
    execute(loader, "VACUUM ANALYZE queue_job");
  }

  /** Finishes 150 jobs and adds 50 pending ones, as a busy runner does between two scrapes. */
  private static void traffic(Connection admin) throws SQLException {
    execute(
        admin,
        """
        INSERT INTO queue_job (uuid, channel, state, model_name, method_name, date_created,
                               date_enqueued, date_started, date_done, retry, max_retries)
        SELECT gen_random_uuid()::text, 'root.edi', 'done', 'sale.order', 'import_order',
               now() AT TIME ZONE 'UTC' - interval '9 seconds',
               now() AT TIME ZONE 'UTC' - interval '8 seconds',
               now() AT TIME ZONE 'UTC' - interval '6 seconds', now() AT TIME ZONE 'UTC', 1, 5
        FROM generate_series(1, 100)
        """);
    execute(
        admin,
        """
        UPDATE queue_job SET state = 'done', date_started = now() AT TIME ZONE 'UTC',
               date_done = now() AT TIME ZONE 'UTC'
        WHERE id IN (SELECT id FROM queue_job WHERE state = 'pending' ORDER BY id LIMIT 50)
        """);
    execute(
        admin,
        """
        INSERT INTO queue_job (uuid, channel, state, model_name, method_name, date_created,
                               retry, max_retries)
        SELECT gen_random_uuid()::text, 'root.carrier', 'pending', 'stock.picking',
               'send_to_shipper', now() AT TIME ZONE 'UTC', 0, 5
        FROM generate_series(1, 50)
        """);
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      if (statement.execute(sql)) {
        try (ResultSet rows = statement.getResultSet()) {
          while (rows.next()) {
            rows.getObject(1);
          }
        }
      }
    }
  }
}
