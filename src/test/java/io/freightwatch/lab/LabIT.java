package io.freightwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.freightwatch.testing.LabExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The lab's own integration test, against the shared lab of this test JVM. */
@ExtendWith(LabExtension.class)
class LabIT {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(500);

  private final Lab lab;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  LabIT(Lab lab) {
    this.lab = lab;
  }

  @AfterEach
  void restoreSharedLab() {
    lab.postgres().startPrimary();
    lab.faults().clearAll();
    lab.workload().resumeAll();
    lab.tenants().names().forEach(tenant -> lab.workload().resume(tenant));
  }

  @Test
  void replicaStreamsFromPrimary() throws SQLException {
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(
                        text(
                            "postgres",
                            "SELECT state FROM pg_stat_replication WHERE application_name = '"
                                + LabPostgres.STANDBY_NAME
                                + "'"))
                    .isEqualTo("streaming"));
    assertThat(replicaText("SELECT pg_is_in_recovery()::text")).isEqualTo("true");
  }

  @Test
  void pausedReplayFallsBehindThenCatchesUp() throws SQLException {
    lab.faults().replicaLag(true);
    assertThat(lab.postgres().isReplayPaused()).isTrue();

    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(
                        replicaNumber(
                            "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(),"
                                + " pg_last_wal_replay_lsn())"))
                    .isGreaterThan(0));
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(
                        number(
                            "postgres",
                            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)"
                                + " FROM pg_stat_replication WHERE application_name = '"
                                + LabPostgres.STANDBY_NAME
                                + "'"))
                    .isGreaterThan(0));

    lab.faults().replicaLag(false);
    String target = text("postgres", "SELECT pg_current_wal_lsn()::text");
    assertThat(lab.postgres().isReplayPaused()).isFalse();
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(
                        replicaNumber(
                            "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '" + target + "')"))
                    .isGreaterThanOrEqualTo(0));
  }

  @Test
  void primaryStopsAndStartsAgain() throws SQLException {
    String acme = lab.tenants().get("acme").database();
    lab.postgres().stopPrimary();
    assertThat(lab.postgres().isPrimaryRunning()).isFalse();
    assertThatThrownBy(() -> primary("postgres").close()).isInstanceOf(SQLException.class);

    lab.postgres().startPrimary();
    long jobsAfterRestart = number(acme, "SELECT max(id) FROM queue_job");
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(number(acme, "SELECT max(id) FROM queue_job"))
                    .isGreaterThan(jobsAfterRestart));
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(
                        text(
                            "postgres",
                            "SELECT state FROM pg_stat_replication WHERE application_name = '"
                                + LabPostgres.STANDBY_NAME
                                + "'"))
                    .isEqualTo("streaming"));
  }

  @Test
  void tenantsHaveOdooSchemaAndSeed() throws SQLException {
    assertThat(lab.tenants().names()).containsExactly("acme", "globex", "initech");
    for (OdooTenants.Tenant tenant : lab.tenants().all()) {
      try (Connection monitor = monitor(tenant.database())) {
        assertThat(
                value(monitor, "SELECT latest_version FROM ir_module_module WHERE name = 'base'"))
            .isEqualTo("17.0.1.3");
        assertThat(
                texts(
                    monitor,
                    "SELECT name FROM ir_module_module WHERE state = 'installed' ORDER BY name"))
            .contains("queue_job", "mail", "stock", "stock_delivery", "delivery", "edi_oca");
        assertThat(texts(monitor, "SELECT complete_name FROM queue_job_channel ORDER BY id"))
            .containsExactlyElementsOf(OdooTenants.CHANNELS);
        assertThat(
                texts(
                    monitor,
                    "SELECT pt.code || ' ' || (pt.name->>'en_US') FROM stock_picking_type pt"
                        + " JOIN stock_warehouse w ON w.id = pt.warehouse_id"
                        + " WHERE w.code = 'WH' ORDER BY pt.id"))
            .containsExactly("incoming Receipts", "outgoing Delivery Orders", "internal Pick");
        assertThat(
                longValue(
                    monitor,
                    "SELECT count(*) FROM ir_cron WHERE active"
                        + " AND nextcall < (now() AT TIME ZONE 'UTC') - interval '5 minutes'"))
            .as("active crons of %s overdue by more than 5 minutes", tenant.name())
            .isZero();
      }
    }
  }

  @Test
  void traefikMetricsHaveTraefikFamilies() throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(URI.create(lab.traefik().metricsUrl()))
                .header("Accept-Encoding", "gzip")
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8; escaping=underscores");
    assertThat(response.headers().firstValue("Content-Encoding")).contains("gzip");
    String text = gunzip(response.body());
    for (String family :
        List.of(
            "traefik_entrypoint_requests_total counter",
            "traefik_entrypoint_request_duration_seconds histogram",
            "traefik_router_requests_total counter",
            "traefik_service_requests_total counter",
            "traefik_service_request_duration_seconds histogram",
            "traefik_open_connections gauge",
            "traefik_config_reloads_total counter",
            "traefik_config_last_reload_success gauge",
            "traefik_tls_certs_not_after gauge",
            "process_start_time_seconds gauge")) {
      assertThat(text).contains("# TYPE " + family + "\n");
    }
    assertThat(text)
        .containsPattern(
            "traefik_service_requests_total\\{code=\"200\",method=\"(GET|POST)\","
                + "protocol=\"http\",service=\"odoo-acme-web@kubernetes\"} ")
        .containsPattern(
            "traefik_router_requests_total\\{code=\"200\",method=\"(GET|POST)\",protocol=\"http\","
                + "router=\"acme-handheld@kubernetes\",service=\"odoo-acme-handheld@kubernetes\"} ")
        .containsPattern(
            "traefik_entrypoint_requests_total\\{code=\"200\",entrypoint=\"websecure\","
                + "method=\"(GET|POST)\",protocol=\"http\"} ")
        .contains("traefik_open_connections{entrypoint=\"websecure\",protocol=\"TCP\"} ")
        .contains("le=\"0.05\"", "le=\"2.5\"", "le=\"+Inf\"")
        .contains("cn=\"acme.erp.example.com\"");
  }

  @Test
  void traefikRequestCountersAdvance() {
    Map<String, String> acmeWeb = Map.of("service", "odoo-acme-web@kubernetes");
    double before =
        MetricsText.sum(lab.traefik().scrapeText(), "traefik_service_requests_total", acmeWeb);
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(
                        MetricsText.sum(
                            lab.traefik().scrapeText(), "traefik_service_requests_total", acmeWeb))
                    .isGreaterThanOrEqualTo(before + 20));
  }

  @Test
  void carrierOutageLeavesOnlyTenantLabelJobsPending() throws SQLException {
    lab.faults().carrierOutage("acme", true);
    String retried =
        "SELECT count(*) FROM queue_job WHERE channel = 'root.carrier' AND state = 'pending'"
            + " AND retry > 0";
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(() -> assertThat(number("odoo_acme", retried)).isGreaterThanOrEqualTo(2));

    try (Connection acme = primary("odoo_acme")) {
      assertThat(
              texts(
                  acme,
                  "SELECT DISTINCT exc_name || ' | ' || exc_message FROM queue_job"
                      + " WHERE channel = 'root.carrier' AND state = 'pending' AND retry > 0"))
          .containsExactly(
              Faults.RETRYABLE_JOB_ERROR
                  + " | DHL Express label API unavailable: 503 Service Unavailable");
      assertThat(
              longValue(
                  acme,
                  "SELECT count(*) FROM queue_job WHERE channel = 'root.carrier'"
                      + " AND state = 'pending' AND retry > 0"
                      + " AND eta > (now() AT TIME ZONE 'UTC') + interval '31 seconds'"))
          .as("retried label jobs postponed by more than 30 s")
          .isZero();
    }
    assertThat(number("odoo_globex", retried)).isZero();
    assertThat(number("odoo_initech", retried)).isZero();
    assertThat(lab.faults().carrierFailures("acme")).isPositive();

    lab.faults().carrierOutage("acme", false);
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(() -> assertThat(number("odoo_acme", retried)).isZero());
  }

  @Test
  void stalledRunnerLetsPendingJobsPileUp() throws SQLException {
    String pending = "SELECT count(*) FROM queue_job WHERE state = 'pending'";
    String running =
        "SELECT coalesce(string_agg(id || state, ',' ORDER BY id), '') FROM queue_job"
            + " WHERE state IN ('enqueued', 'started')";
    lab.faults().stalledRunner("globex", true);
    // A runner tick that was in progress when the fault went on may still commit once.
    AtomicReference<String> lastRunning = new AtomicReference<>("(not read yet)");
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .until(() -> lastRunning.getAndSet(text("odoo_globex", running)).equals(lastRunning.get()));
    long pendingAtStall = number("odoo_globex", pending);
    String runningAtStall = lastRunning.get();

    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(number("odoo_globex", pending))
                    .isGreaterThanOrEqualTo(pendingAtStall + 5));
    assertThat(text("odoo_globex", running)).isEqualTo(runningAtStall);

    lab.faults().stalledRunner("globex", false);
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(
            () -> assertThat(number("odoo_globex", pending)).isLessThan(pendingAtStall + 5));
  }

  @Test
  void orderFeedErrorsFailOnlyTenantImports() throws SQLException {
    String failedImports =
        "SELECT count(*) FROM queue_job WHERE channel = 'root.edi.order_import'"
            + " AND state = 'failed' AND exc_name = '"
            + Faults.USER_ERROR
            + "'";
    long before = number("odoo_initech", failedImports);
    lab.faults().orderFeedErrors("initech", true);

    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(number("odoo_initech", failedImports))
                    .isGreaterThanOrEqualTo(before + 3));
    assertThat(
            number(
                "odoo_initech",
                "SELECT count(*) FROM edi_exchange_record"
                    + " WHERE edi_exchange_state = 'input_processed_error'"))
        .isGreaterThanOrEqualTo(3);
    assertThat(number("odoo_acme", failedImports)).isZero();
    assertThat(number("odoo_globex", failedImports)).isZero();
  }

  @Test
  void ingressFaultGivesConfiguredErrorRatio() {
    String service = "odoo-initech-web@kubernetes";
    lab.faults().ingressFault(service, 0.25, true);
    String first = lab.traefik().scrapeText();
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .until(
            () -> requests(lab.traefik().scrapeText(), service) - requests(first, service) >= 300);
    String second = lab.traefik().scrapeText();

    double total = requests(second, service) - requests(first, service);
    double errors =
        MetricsText.sumServerErrors(second, "traefik_service_requests_total", service)
            - MetricsText.sumServerErrors(first, "traefik_service_requests_total", service);
    assertThat(errors / total).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1.5 / total));

    double upToOneSecond = bucket(second, service, "1.0") - bucket(first, service, "1.0");
    double durations =
        MetricsText.sum(
                second,
                "traefik_service_request_duration_seconds_count",
                Map.of("service", service))
            - MetricsText.sum(
                first,
                "traefik_service_request_duration_seconds_count",
                Map.of("service", service));
    assertThat(1 - upToOneSecond / durations)
        .as("share of requests slower than 1 s")
        .isGreaterThanOrEqualTo(Faults.INGRESS_SLOW_RATIO - 0.02);
  }

  @Test
  void redisPressureEvictsKeys() {
    RedisClient client = RedisClient.create(lab.redis().uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.setTimeout(Duration.ofSeconds(5));
      lab.faults().redisMemoryPressure(true);
      await()
          .atMost(DEADLINE)
          .pollInterval(POLL)
          .untilAsserted(
              () ->
                  assertThat(infoField(connection.sync().info("stats"), "evicted_keys"))
                      .isPositive());
      assertThat(infoField(connection.sync().info("memory"), "maxmemory"))
          .isEqualTo(LabRedis.DEFAULT_MAX_MEMORY_BYTES);
      assertThat(lab.faults().redisPressureBytes()).isPositive();
    } finally {
      lab.faults().redisMemoryPressure(false);
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void pausedTenantDatabaseStaysUnchanged() throws SQLException {
    String fingerprint =
        "SELECT count(*) || ':' || coalesce(sum(hashtext(id || state || coalesce(retry, 0))), 0)"
            + " FROM queue_job";
    lab.workload().pause("acme");
    String before = text("odoo_acme", fingerprint);
    long globexBefore = number("odoo_globex", "SELECT max(id) FROM queue_job");

    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(number("odoo_globex", "SELECT max(id) FROM queue_job"))
                    .isGreaterThan(globexBefore + 3));
    assertThat(text("odoo_acme", fingerprint)).isEqualTo(before);

    lab.workload().resume("acme");
    await()
        .atMost(DEADLINE)
        .pollInterval(POLL)
        .untilAsserted(() -> assertThat(text("odoo_acme", fingerprint)).isNotEqualTo(before));
  }

  @Test
  void pauseAllStopsWritesToEveryTenant() throws SQLException {
    lab.workload().pauseAll();
    List<String> before = queueFingerprints();

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(POLL)
        .until(() -> queueFingerprints().equals(before));
  }

  private List<String> queueFingerprints() throws SQLException {
    List<String> fingerprints = new ArrayList<>();
    for (OdooTenants.Tenant tenant : lab.tenants().all()) {
      fingerprints.add(
          text(
              tenant.database(),
              "SELECT max(id) || ':' || count(*) || ':' || count(*) FILTER (WHERE state = 'done')"
                  + " FROM queue_job"));
    }
    return fingerprints;
  }

  @Test
  void controlApiSwitchesFaults() throws Exception {
    HttpResponse<String> on = post("/lab/faults/stalled-runner?tenant=acme&active=true");
    assertThat(on.statusCode()).isEqualTo(200);
    assertThat(lab.faults().isRunnerStalled("acme")).isTrue();
    assertThat(get("/lab/status").body())
        .contains("\"fault\" : \"stalled-runner\"", "\"target\" : \"acme\"");

    HttpResponse<String> off = post("/lab/faults/stalled-runner?tenant=acme&active=false");
    assertThat(off.statusCode()).isEqualTo(200);
    assertThat(lab.faults().isRunnerStalled("acme")).isFalse();

    HttpResponse<String> unknown = post("/lab/faults/power-cut?active=true");
    assertThat(unknown.statusCode()).isEqualTo(404);
    HttpResponse<String> missingTenant = post("/lab/faults/carrier-outage?active=true");
    assertThat(missingTenant.statusCode()).isEqualTo(400);
    assertThat(missingTenant.body()).contains("tenant: missing");
    HttpResponse<String> badRatio =
        post("/lab/faults/ingress-fault?service=odoo-acme-web@kubernetes&ratio=1.5");
    assertThat(badRatio.statusCode()).isEqualTo(400);
    assertThat(badRatio.body()).contains("errorRatio: got 1.5; expected a ratio from 0 to 1");
  }

  @Test
  void agentConfigPointsAtLab(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("lab").resolve("freightwatch.yaml");
    lab.writeAgentConfig(config, dir.resolve("alert-rules"), "http://127.0.0.1:58082/alerts");

    Map<String, Object> yaml = new Yaml().load(Files.readString(config));
    Map<String, Object> targets = map(yaml.get("targets"));
    List<Map<String, Object>> postgres = list(targets.get("postgres"));
    assertThat(postgres)
        .extracting(target -> target.get("name"))
        .containsExactly("lab-primary", "lab-replica");
    assertThat(postgres.get(0).get("dsn"))
        .isEqualTo(
            "postgresql://freightwatch@127.0.0.1:"
                + lab.postgres().primaryPort()
                + "/postgres?sslmode=disable");
    assertThat(postgres.get(1).get("cluster")).isEqualTo("lab");
    assertThat(list(targets.get("redis")).get(0).get("url")).isEqualTo(lab.redis().uri());
    assertThat(list(targets.get("traefik")).get(0).get("url"))
        .isEqualTo(lab.traefik().metricsUrl());
    assertThat(map(list(targets.get("odoo")).get(0).get("discover")).get("tenant_name"))
        .isEqualTo("odoo_(?<tenant>.+)");
    assertThat(map(yaml.get("rules")).get("directory")).isEqualTo("../alert-rules");
    assertThat(list(map(yaml.get("notify")).get("receivers")).get(0).get("url"))
        .isEqualTo("http://127.0.0.1:58082/alerts");
  }

  private double requests(String text, String service) {
    return MetricsText.sum(text, "traefik_service_requests_total", Map.of("service", service));
  }

  private static double bucket(String text, String service, String le) {
    return MetricsText.sum(
        text,
        "traefik_service_request_duration_seconds_bucket",
        Map.of("service", service, "le", le));
  }

  private HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(lab.controlUrl() + path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(lab.controlUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Connection primary(String db) throws SQLException {
    return lab.postgres().connectPrimary(db);
  }

  private Connection monitor(String db) throws SQLException {
    return DriverManager.getConnection(
        lab.postgres().jdbcUrl(db) + "?connectTimeout=5", LabPostgres.MONITOR_ROLE, "");
  }

  /** Returns the first value of {@code sql} on the primary's database {@code db}. */
  private String text(String db, String sql) throws SQLException {
    try (Connection connection = primary(db)) {
      return value(connection, sql);
    }
  }

  private long number(String db, String sql) throws SQLException {
    try (Connection connection = primary(db)) {
      return longValue(connection, sql);
    }
  }

  private String replicaText(String sql) throws SQLException {
    try (Connection connection = lab.postgres().connectReplica("postgres")) {
      return value(connection, sql);
    }
  }

  private long replicaNumber(String sql) throws SQLException {
    try (Connection connection = lab.postgres().connectReplica("postgres")) {
      return longValue(connection, sql);
    }
  }

  private static String value(Connection connection, String sql) throws SQLException {
    List<String> values = texts(connection, sql);
    return values.isEmpty() ? null : values.get(0);
  }

  /** Returns the first value as a whole number; NULL and no row count as 0. */
  private static long longValue(Connection connection, String sql) throws SQLException {
    String value = value(connection, sql);
    return value == null ? 0 : new java.math.BigDecimal(value).longValue();
  }

  private static List<String> texts(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  private static long infoField(String info, String field) {
    return info.lines()
        .filter(line -> line.startsWith(field + ":"))
        .map(line -> Long.parseLong(line.substring(field.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(field + " missing from INFO:\n" + info));
  }

  private static String gunzip(byte[] body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return (List<Map<String, Object>>) value;
  }
}
