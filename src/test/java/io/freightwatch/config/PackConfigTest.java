package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration keys of the PostgreSQL, Redis and Traefik signal packs. */
class PackConfigTest {

  @TempDir Path dir;

  @Test
  void readsPostgresPackSettings() throws Exception {
    Path file = write("""
        targets:
          postgres:
            - name: db
              dsn: postgresql://fw@db:5432/postgres
              volume_size: 500GiB
              statements_top: 5
              size_interval: 15m
              statements_interval: 2m
        """);

    PostgresTarget target = new ConfigLoader(Map.of()).load(file).postgres().get(0);

    assertThat(target.volumeSizeBytes()).isEqualTo(OptionalLong.of(500L << 30));
    assertThat(target.statementsTop()).isEqualTo(5);
    assertThat(target.sizeInterval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(target.statementsInterval()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void postgresPackDefaults() throws Exception {
    Path file = write("""
        targets:
          postgres:
            - name: db
              dsn: postgresql://fw@db:5432/postgres
        """);

    PostgresTarget target = new ConfigLoader(Map.of()).load(file).postgres().get(0);

    assertThat(target.volumeSizeBytes()).isEmpty();
    assertThat(target.statementsTop()).isEqualTo(20);
    assertThat(target.sizeInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(target.statementsInterval()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void rejectsVolumeSizeWithoutNumber() throws Exception {
    Path file = write("""
        targets:
          postgres:
            - name: db
              dsn: postgresql://fw@db:5432/postgres
              volume_size: lots
              statements_top: 9000
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pack.yaml:5: targets.postgres[0].volume_size: got \"lots\";"
            + " expected a positive size in bytes or with a unit, e.g. 500GiB or 2TB")
        .hasMessageContaining("pack.yaml:6: targets.postgres[0].statements_top: got 9000;"
            + " expected a whole number from 0 to 500");
  }

  @Test
  void rejectsStatementsIntervalOutOfRange() throws Exception {
    Path file = write("""
        targets:
          postgres:
            - name: db
              dsn: postgresql://fw@db:5432/postgres
              statements_interval: 48h
            - name: db2
              dsn: postgresql://fw@db2:5432/postgres
              statements_interval: 100ms
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets.postgres[0].statements_interval: got 2d; expected a"
            + " duration from 1s to 1h")
        .hasMessageContaining("targets.postgres[1].statements_interval: got 100ms; expected a"
            + " duration from 1s to 1h");
  }

  @Test
  void parsesDecimalAndBinarySizes() {
    assertThat(ByteSizes.parse("2TB")).hasValue(2_000_000_000_000L);
    assertThat(ByteSizes.parse("1.5 GiB")).hasValue(1_610_612_736L);
    assertThat(ByteSizes.parse("4096")).hasValue(4096);
    assertThat(ByteSizes.parse("10 parsecs")).isEmpty();
    assertThat(ByteSizes.parse("0")).isEmpty();
  }

  @Test
  void readsRedisQueuesAndDatabase() throws Exception {
    Path ca = dir.resolve("ca.pem");
    Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n");
    Path file = write("""
        targets:
          redis:
            - name: cache
              url: rediss://redis:6380/3
              ca_file: ca.pem
              queues:
                - {name: labels, key: "queue:carrier-labels", type: list}
                - {key: "edi:retry", type: zset}
                - {key: "events", type: stream}
        """);

    RedisTarget target = new ConfigLoader(Map.of()).load(file).redis().get(0);

    assertThat(target.tls()).isTrue();
    assertThat(target.database()).isEqualTo(3);
    assertThat(target.caFile()).contains(ca);
    assertThat(target.queues()).containsExactly(
        new RedisTarget.Queue("labels", "queue:carrier-labels", RedisTarget.KeyType.LIST),
        new RedisTarget.Queue("edi:retry", "edi:retry", RedisTarget.KeyType.ZSET),
        new RedisTarget.Queue("events", "events", RedisTarget.KeyType.STREAM));
  }

  @Test
  void rejectsBadQueueEntries() throws Exception {
    Path file = write("""
        targets:
          redis:
            - name: cache
              url: redis://redis:6379/sessions
              ca_file: missing.pem
              queues:
                - {key: "a", type: hash}
                - {type: list}
                - {key: "a", type: list}
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pack.yaml:4: targets.redis[0].url: got the path \"/sessions\";"
            + " expected a database number such as redis://redis.example:6379/2")
        .hasMessageContaining("pack.yaml:5: targets.redis[0].ca_file: got \"")
        .hasMessageContaining("pack.yaml:7: targets.redis[0].queues[0].type: got \"hash\";"
            + " expected list, zset or stream")
        .hasMessageContaining("pack.yaml:8: targets.redis[0].queues[1].key: missing; set it,"
            + " e.g. key: queue:carrier-labels")
        .hasMessageContaining("pack.yaml:9: targets.redis[0].queues[2].key: got \"a\"; this key"
            + " is listed twice; list each key once");
  }

  @Test
  void readsTraefikBackendInventory() throws Exception {
    Path file = write("""
        targets:
          traefik:
            - name: edge
              url: http://traefik:8080/metrics
              backends:
                - application: odoo-tenant42
                  addresses: ["10.0.1.21:8069", "10.0.1.22:8069"]
        """);

    TraefikTarget target = new ConfigLoader(Map.of()).load(file).traefik().get(0);

    assertThat(target.backends()).containsExactly(new TraefikTarget.Backend("odoo-tenant42",
        java.util.List.of("10.0.1.21:8069", "10.0.1.22:8069")));
  }

  @Test
  void rejectsBackendAddressWithoutPort() throws Exception {
    Path file = write("""
        targets:
          traefik:
            - name: edge
              url: http://traefik:8080/metrics
              backends:
                - application: odoo-tenant42
                  addresses: ["http://10.0.1.21"]
                - application: other
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pack.yaml:7: targets.traefik[0].backends[0].addresses[0]: got"
            + " \"http://10.0.1.21\"; expected host:port such as 10.0.1.21:8069")
        .hasMessageContaining("pack.yaml:8: targets.traefik[0].backends[1]: missing addresses");
  }

  private Path write(String text) throws Exception {
    Path file = dir.resolve("pack.yaml");
    Files.writeString(file, text);
    return file;
  }
}
