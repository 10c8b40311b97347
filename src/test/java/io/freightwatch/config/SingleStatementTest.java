package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SingleStatementTest {

  @Test
  void stripsTrailingSemicolonAndBlanks() {
    assertThat(SingleStatement.check("  SELECT 1 AS n ;  -- done\n"))
        .isEqualTo("SELECT 1 AS n");
  }

  @Test
  void ignoresSemicolonsInLiteralsAndComments() {
    String sql =
        "SELECT ';' AS a, E'\\';' AS b, \"x;y\" AS c, $$;$$ AS d, $t$;$t$ AS e"
            + " /* ; /* ; */ ; */ -- ;\n FROM t WHERE a = $1";

    assertThat(SingleStatement.check(sql)).isEqualTo(sql);
  }

  @Test
  void rejectsWritesAndRowLocks() {
    assertThatThrownBy(() -> SingleStatement.check(
            "WITH x AS (DELETE FROM queue_job WHERE false RETURNING 1) SELECT count(*) AS v FROM x"))
        .hasMessage("contains DELETE FROM, which writes or locks rows; a custom query only reads");
    assertThatThrownBy(() -> SingleStatement.check("SELECT id FROM queue_job FOR UPDATE"))
        .hasMessage("contains FOR UPDATE, which writes or locks rows; a custom query only reads");
    assertThatThrownBy(() -> SingleStatement.check(
            "WITH x AS (UPDATE queue_job SET state = 'done' RETURNING 1) SELECT 1 AS v"))
        .hasMessageStartingWith("contains UPDATE Q");
    assertThat(SingleStatement.check(
            "SELECT count(*) AS v FROM queue_job WHERE name <> 'delete from x' AND write_date"
                + " > now() - interval '1 day' -- update the label"))
        .startsWith("SELECT");
  }

  @Test
  void rejectsSecondStatement() {
    assertThatThrownBy(() -> SingleStatement.check("SELECT 1; SELECT 2;"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "contains more than one statement (';' at offsets 8 and 18); give a single SELECT");
  }

  @Test
  void rejectsStatementAfterQuotedSemicolon() {
    assertThatThrownBy(() -> SingleStatement.check("SELECT 'a;'; DROP TABLE t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("contains more than one statement (a ';' at offset 11");
  }

  @Test
  void rejectsUnterminatedLiteral() {
    assertThatThrownBy(() -> SingleStatement.check("SELECT 'open; DELETE FROM t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("has an unterminated string literal starting at offset 7");
  }

  @Test
  void acceptsWithAndParenthesizedSelect() {
    assertThat(SingleStatement.check("-- note\nWITH a AS (SELECT 1) SELECT * FROM a"))
        .startsWith("-- note");
    assertThat(SingleStatement.check("(SELECT 1)")).isEqualTo("(SELECT 1)");
  }

  @Test
  void rejectsEmptyAndNonSelect() {
    assertThatThrownBy(() -> SingleStatement.check(" ; "))
        .hasMessageStartingWith("is empty; give a SELECT");
    assertThatThrownBy(() -> SingleStatement.check("delete from t"))
        .hasMessage(
            "starts with DELETE; only a SELECT or WITH query can run in the read-only session");
  }
}
