package io.freightwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentConfigFileTest {

  @Test
  void formatsPrometheusDurations() {
    assertThat(AgentConfigFile.prometheusDuration(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(AgentConfigFile.prometheusDuration(Duration.ofSeconds(15))).isEqualTo("15s");
    assertThat(AgentConfigFile.prometheusDuration(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(AgentConfigFile.prometheusDuration(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(AgentConfigFile.prometheusDuration(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(AgentConfigFile.prometheusDuration(Duration.ofDays(1))).isEqualTo("1d");
  }

  @Test
  void quotesRegexAndBackslashes() {
    assertThat(AgentConfigFile.quote("odoo_(?<tenant>.+)")).isEqualTo("\"odoo_(?<tenant>.+)\"");
    assertThat(AgentConfigFile.quote("a\\d\"b")).isEqualTo("\"a\\\\d\\\"b\"");
  }

  @Test
  void rejectsZeroInterval() {
    assertThatThrownBy(
            () ->
                new AgentConfigFile("127.0.0.1:9187", Duration.ZERO, Path.of("rules"), "http://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval: got PT0S; expected > 0, e.g. 15s");
  }
}
