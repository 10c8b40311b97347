package io.freightwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.bridge.SLF4JBridgeHandler;

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
  void defersToXmlOnClassPath() {
    // The test class path contains logback-test.xml, which must win over the built-in set-up.
    LogConfigurator configurator = new LogConfigurator();
    LoggerContext context = new LoggerContext();
    configurator.setContext(context);

    assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger("io.netty").getLevel()).isNull();
  }

  @Test
  void routesJavaUtilLoggingWithLevels() {
    LoggerContext context = new LoggerContext();

    LogConfigurator.routeJavaUtilLogging(context);
    context.getLogger("org.postgresql").setLevel(Level.WARN);

    assertThat(java.util.logging.Logger.getLogger("").getHandlers())
        .hasAtLeastOneElementOfType(SLF4JBridgeHandler.class);
    assertThat(java.util.logging.Logger.getLogger("org.postgresql").getLevel())
        .isEqualTo(java.util.logging.Level.WARNING);
  }

  @Test
  void configurationFileMustBeReadable(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("logback.xml"), "<configuration/>");

    assertThat(LogConfigurator.isReadableConfiguration(file.toString())).isTrue();
    assertThat(LogConfigurator.isReadableConfiguration("logback-test.xml")).isTrue();
    assertThat(LogConfigurator.isReadableConfiguration("https://config.example/logback.xml"))
        .isTrue();
    assertThat(LogConfigurator.isReadableConfiguration(dir.resolve("missing.xml").toString()))
        .isFalse();
    assertThat(LogConfigurator.isReadableConfiguration(dir.toString())).isFalse();
    assertThat(LogConfigurator.isReadableConfiguration(" ")).isFalse();
  }
}
