package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.postgres.StatementStatsQuery.Layout;
import org.junit.jupiter.api.Test;

/** The pg_stat_statements reading built for the extension versions of PostgreSQL 12 to 17. */
class StatementStatsQueryTest {

  @Test
  void version17ReadsStatsSince() {
    Layout layout = new Layout("public", "1.11", "total_exec_time", "max_exec_time", true, true,
        true);

    assertThat(layout.numbersSql())
        .contains("s.toplevel", "s.total_exec_time AS total_ms", "s.max_exec_time AS max_ms",
            "s.stats_since", "\"public\".pg_stat_statements(false)");
  }

  @Test
  void version13HasNoTopLevelOrInfo() {
    Layout layout = new Layout("public", "1.8", "total_exec_time", "max_exec_time", false, false,
        false);

    assertThat(layout.numbersSql())
        .contains("true AS toplevel", "NULL::timestamptz AS stats_since")
        .doesNotContain("s.toplevel", "s.stats_since");
  }

  @Test
  void version12UsesTotalTime() {
    Layout layout = new Layout("monitoring", "1.7", "total_time", "max_time", false, false, false);

    assertThat(layout.numbersSql())
        .contains("s.total_time AS total_ms", "s.max_time AS max_ms",
            "\"monitoring\".pg_stat_statements(false)");
  }

  @Test
  void quotesSchemaName() {
    Layout layout = new Layout("odd\"schema", "1.10", "total_exec_time", "max_exec_time", true,
        false, true);

    assertThat(layout.infoSql())
        .isEqualTo("SELECT dealloc, stats_reset FROM \"odd\"\"schema\".pg_stat_statements_info");
  }
}
