package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlLiteralsTest {

  @Test
  void replacesStringsAndNumbers() {
    assertThat(SqlLiterals.redact("SELECT * FROM res_partner WHERE name = 'Acme' AND id > 42"))
        .isEqualTo("SELECT * FROM res_partner WHERE name = ? AND id > ?");
  }

  @Test
  void doubledQuoteStaysInsideString() {
    assertThat(SqlLiterals.redact("UPDATE t SET note = 'it''s secret' WHERE id = 1"))
        .isEqualTo("UPDATE t SET note = ? WHERE id = ?");
  }

  @Test
  void escapeStringHonoursBackslashes() {
    assertThat(SqlLiterals.redact("SELECT E'a\\'b c', e'x' , 'y'"))
        .isEqualTo("SELECT ?, ? , ?");
  }

  @Test
  void prefixedStringsBecomePlaceholders() {
    assertThat(SqlLiterals.redact("SELECT B'1010', X'1F', N'name', U&'d\\0061t'"))
        .isEqualTo("SELECT ?, ?, ?, ?");
  }

  @Test
  void dollarQuotedBodiesAreRemoved() {
    assertThat(SqlLiterals.redact("DO $$ BEGIN PERFORM 'x'; END $$; SELECT $fn$ a $ b $fn$"))
        .isEqualTo("DO ?; SELECT ?");
  }

  @Test
  void keepsParametersAndWordsWithDigits() {
    assertThat(SqlLiterals.redact("SELECT col_2, t1.x FROM t1 WHERE a = $1 AND b = $12"))
        .isEqualTo("SELECT col_2, t1.x FROM t1 WHERE a = $1 AND b = $12");
  }

  @Test
  void keepsQuotedIdentifiers() {
    assertThat(SqlLiterals.redact("SELECT \"it's\"\"x\" FROM \"Table 1\" WHERE v = 'a'"))
        .isEqualTo("SELECT \"it's\"\"x\" FROM \"Table 1\" WHERE v = ?");
  }

  @Test
  void numberFormsAllRedacted() {
    assertThat(SqlLiterals.redact("SELECT 3.14, .5, 1e-3, 2E+10, 0x1F, 1_000_000, 7."))
        .isEqualTo("SELECT ?, ?, ?, ?, ?, ?, ?");
  }

  @Test
  void collapsesInListsAndArrays() {
    assertThat(SqlLiterals.redact("SELECT 1 FROM t WHERE id IN (1, 2, 3) OR x IN ($1,$2)"))
        .isEqualTo("SELECT ? FROM t WHERE id IN (?) OR x IN (?)");
    assertThat(SqlLiterals.redact("SELECT * FROM t WHERE id = ANY(ARRAY[4, 5, 6])"))
        .isEqualTo("SELECT * FROM t WHERE id = ANY(ARRAY[?])");
  }

  @Test
  void keepsFunctionArgumentLists() {
    assertThat(SqlLiterals.redact("SELECT current_setting($1, $2), coalesce(a, 0, 1)"))
        .isEqualTo("SELECT current_setting($1, $2), coalesce(a, ?, ?)");
  }

  @Test
  void dropsCommentsWithTheirValues() {
    assertThat(
            SqlLiterals.redact(
                "SELECT 1 -- token=abc\nFROM t /* user='bob' /* nested */ still */ WHERE a = 2"))
        .isEqualTo("SELECT ? FROM t WHERE a = ?");
  }

  @Test
  void hidesPasswordInRoleStatement() {
    assertThat(SqlLiterals.redact("ALTER ROLE odoo PASSWORD 'hunter2'"))
        .isEqualTo("ALTER ROLE odoo PASSWORD ?")
        .doesNotContain("hunter2");
  }

  @Test
  void truncatedLiteralIsNotCopied() {
    assertThat(SqlLiterals.redact("INSERT INTO mail_mail (body) VALUES ('Dear customer, your"))
        .isEqualTo("INSERT INTO mail_mail (body) VALUES (?");
    assertThat(SqlLiterals.redact("SELECT $body$ unterminated secret"))
        .isEqualTo("SELECT ?");
  }

  @Test
  void collapsesWhitespaceAndCutsLongText() {
    assertThat(SqlLiterals.redact("SELECT\n\t a,\r\n   b  FROM t")).isEqualTo("SELECT a, b FROM t");
    String longText = "SELECT " + "column_name, ".repeat(200) + "x FROM t";
    String redacted = SqlLiterals.redact(longText);
    assertThat(redacted).hasSize(SqlLiterals.MAX_CHARS + 3).endsWith("...");
  }

  @Test
  void typedLiteralKeepsTypeName() {
    assertThat(SqlLiterals.redact("SELECT now() - interval '5 minutes', DATE '2025-03-10'"))
        .isEqualTo("SELECT now() - interval ?, DATE ?");
  }

  @Test
  void odooCronLockQueryStaysReadable() {
    assertThat(
            SqlLiterals.redact(
                "SELECT * FROM ir_cron WHERE active = true AND id = 17 FOR NO KEY UPDATE SKIP"
                    + " LOCKED"))
        .isEqualTo("SELECT * FROM ir_cron WHERE active = true AND id = ? FOR NO KEY UPDATE SKIP"
            + " LOCKED");
  }
}
