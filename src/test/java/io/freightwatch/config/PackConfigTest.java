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
        """);

    PostgresTarget target = new ConfigLoader(Map.of()).load(file).postgres().get(0);

    assertThat(target.volumeSizeBytes()).isEqualTo(OptionalLong.of(500L << 30));
    assertThat(target.statementsTop()).isEqualTo(5);
    assertThat(target.sizeInterval()).isEqualTo(Duration.ofMinutes(15));
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
  void parsesDecimalAndBinarySizes() {
    assertThat(ByteSizes.parse("2TB")).hasValue(2_000_000_000_000L);
    assertThat(ByteSizes.parse("1.5 GiB")).hasValue(1_610_612_736L);
    assertThat(ByteSizes.parse("4096")).hasValue(4096);
    assertThat(ByteSizes.parse("10 parsecs")).isEmpty();
    assertThat(ByteSizes.parse("0")).isEmpty();
  }

  private Path write(String text) throws Exception {
    Path file = dir.resolve("pack.yaml");
    Files.writeString(file, text);
    return file;
  }
}
