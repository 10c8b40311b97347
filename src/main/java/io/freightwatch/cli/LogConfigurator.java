package io.freightwatch.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.ConsoleTarget;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Map;

/**
 * Sets up the agent's logging in code: one line per event on stderr, so stdout stays free for
 * command output, at the level named by {@code FREIGHTWATCH_LOG_LEVEL} (default {@code INFO}).
 *
 * <p>Logback finds this class through {@code META-INF/services}. Configuring in code keeps
 * Logback's XML configuration classes and the JDK's XML parser out of memory, about 600 classes
 * that a long-running agent would otherwise hold for its lifetime. A {@code logback.xml} or
 * {@code logback-test.xml} on the class path, or the {@code logback.configurationFile} system
 * property, still takes over: this configurator then steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

  static final String LEVEL_VARIABLE = "FREIGHTWATCH_LOG_LEVEL";
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{0} %msg%n";

  // Libraries whose INFO lines describe their internals rather than the agent's work.
  private static final Map<String, Level> LIBRARY_LEVELS = Map.of(
      "io.netty", Level.WARN,
      "io.lettuce", Level.WARN,
      "reactor", Level.WARN,
      "org.postgresql", Level.WARN);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || hasResource("logback-test.xml")
        || hasResource("logback.xml")) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();

    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget(ConsoleTarget.SystemErr.getName());
    stderr.setEncoder(encoder);
    stderr.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(stderr);
    root.setLevel(rootLevel(System.getenv(LEVEL_VARIABLE)));
    LIBRARY_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * Returns the level named by {@code value}, or INFO when it is unset. An unknown name keeps
   * INFO and prints a warning to stderr, since logging is not set up yet.
   */
  static Level rootLevel(String value) {
    if (value == null || value.isBlank()) {
      return Level.INFO;
    }
    Level level = Level.toLevel(value.trim().toUpperCase(Locale.ROOT), null);
    if (level == null) {
      System.err.println(LEVEL_VARIABLE + ": got \"" + value + "\"; expected one of TRACE, DEBUG,"
          + " INFO, WARN, ERROR or OFF. Logging at INFO.");
      return Level.INFO;
    }
    return level;
  }

  private static boolean hasResource(String name) {
    ClassLoader loader = LogConfigurator.class.getClassLoader();
    return loader != null && loader.getResource(name) != null;
  }
}
