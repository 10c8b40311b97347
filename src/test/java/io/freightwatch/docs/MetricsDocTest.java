package io.freightwatch.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.SignalCatalogue;
import io.freightwatch.e2e.ConditionalSignals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/metrics.md} equal to the signal catalogue: the part between the markers is
 * rendered from {@code signals.tsv} and {@code signals-conditional.tsv}. On a difference the test
 * writes the expected page to {@code target/metrics.md}, so it can be copied over.
 */
class MetricsDocTest {

  private static final Path PAGE = Path.of("docs", "metrics.md");
  private static final Path RENDERED = Path.of("target", "metrics.md");
  private static final String BEGIN = "<!-- generated from signals.tsv: begin -->";
  private static final String END = "<!-- generated from signals.tsv: end -->";
  private static final Map<String, String> SECTIONS = sections();

  @Test
  void pageMatchesCatalogue() throws IOException {
    String page = Files.readString(PAGE);
    int begin = page.indexOf(BEGIN);
    int end = page.indexOf(END);
    assertThat(begin).as("marker %s in %s", BEGIN, PAGE).isNotNegative();
    assertThat(end).as("marker %s in %s", END, PAGE).isGreaterThan(begin);

    String expected = page.substring(0, begin + BEGIN.length()) + "\n" + render()
        + page.substring(end);
    if (!expected.equals(page)) {
      Files.createDirectories(RENDERED.getParent());
      Files.writeString(RENDERED, expected);
    }

    assertThat(page).as("%s differs from the catalogue; cp %s %s", PAGE, RENDERED, PAGE)
        .isEqualTo(expected);
  }

  /** Renders one table per signal group, in catalogue order within a group. */
  static String render() throws IOException {
    Map<String, String> conditional = ConditionalSignals.load();
    Map<String, StringBuilder> tables = new LinkedHashMap<>();
    SECTIONS.values().forEach(title -> tables.put(title, new StringBuilder()));
    for (SignalCatalogue.Entry entry : SignalCatalogue.get().entries().values()) {
      String row = "| `" + entry.name() + "` | " + entry.type() + " | "
          + String.join(", ", entry.labels()) + " | " + cell(entry.help()) + " | "
          + cell(conditional.getOrDefault(entry.name(), "always")) + " |\n";
      tables.get(section(entry.name())).append(row);
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, StringBuilder> table : tables.entrySet()) {
      if (table.getValue().isEmpty()) {
        continue;
      }
      out.append("\n## ").append(table.getKey()).append("\n\n")
          .append("| signal | type | labels | meaning | present |\n")
          .append("| --- | --- | --- | --- | --- |\n")
          .append(table.getValue());
    }
    return out.append('\n').toString();
  }

  private static String section(String name) {
    String rest = name.substring(SignalCatalogue.PREFIX.length());
    for (Map.Entry<String, String> prefix : SECTIONS.entrySet()) {
      if (rest.startsWith(prefix.getKey())) {
        return prefix.getValue();
      }
    }
    return SECTIONS.get("");
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  private static Map<String, String> sections() {
    Map<String, String> sections = new LinkedHashMap<>();
    for (List<String> pair : List.of(List.of("odoo_", "Odoo"), List.of("integration", "Integrations"),
        List.of("postgres_", "PostgreSQL"), List.of("redis_", "Redis"),
        List.of("traefik_", "Traefik"), List.of("slo_", "SLOs"),
        List.of("notification", "Notifications"), List.of("", "Agent"))) {
      sections.put(pair.get(0), pair.get(1));
    }
    return sections;
  }
}
