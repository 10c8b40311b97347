package io.freightwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {

  @Test
  void readsLevelNamesCaseInsensitively() {
    assertThat(LogConfigurator.rootLevel(null)).isEqualTo(Level.INFO);
    assertThat(LogConfigurator.rootLevel(" debug ")).isEqualTo(Level.DEBUG);
    assertThat(LogConfigurator.rootLevel("WARN")).isEqualTo(Level.WARN);
  }

  @Test
  void unknownLevelKeepsInfo() {
    assertThat(LogConfigurator.rootLevel("verbose")).isEqualTo(Level.INFO);
  }

  @Test
  void stepsAsideForAnXmlConfigurationOnTheClassPath() {
    // The test class path holds logback-test.xml, which must win over the built-in set-up.
    LogConfigurator configurator = new LogConfigurator();
    LoggerContext context = new LoggerContext();
    configurator.setContext(context);

    assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger("io.netty").getLevel()).isNull();
  }
}
