package io.freightwatch.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.ConsoleTarget;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sets up the agent's logging in code: one line per event on stderr, so stdout stays free for
 * command output, at the level named by {@code FREIGHTWATCH_LOG_LEVEL} (default {@code INFO}).
 *
 * <p>Logback finds this class through {@code META-INF/services}. Configuring in code keeps
 * Logback's XML configuration classes and the JDK's XML parser out of memory, about 600 classes
 * that a long-running agent would otherwise hold for its lifetime. A {@code logback.xml} or
 * {@code logback-test.xml} on the class path, or the {@code logback.configurationFile} system
 * property, still takes over: this configurator then steps aside. A property that names nothing
 * readable gets a warning on stderr and the built-in set-up.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

  static final String LEVEL_VARIABLE = "FREIGHTWATCH_LOG_LEVEL";
  static final String FILE_PROPERTY = "logback.configurationFile";
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
    String file = System.getProperty(FILE_PROPERTY);
    if (file != null) {
      if (isReadableConfiguration(file)) {
        return ExecutionStatus.INVOKE_NEXT_IF_ANY;
      }
      // Logback would log nothing at all for a file it cannot read, such as a ConfigMap that is
      // not mounted, so the agent keeps its own format and prints the reason.
      System.err.println(FILE_PROPERTY + ": got \"" + file + "\"; no readable file, URL or class"
          + " path resource of that name. Logging in the built-in format; point the property at"
          + " a readable Logback XML file.");
    } else if (hasResource("logback-test.xml") || hasResource("logback.xml")) {
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

    // Before any level is set, so that the propagator copies every level to java.util.logging.
    routeJavaUtilLogging(context);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(stderr);
    Level rootLevel = rootLevel(System.getenv(LEVEL_VARIABLE));
    root.setLevel(rootLevel);
    // Libraries log at WARN or above even when the agent logs at DEBUG, and stay as quiet as the
    // agent when it logs at ERROR or OFF.
    LIBRARY_LEVELS.forEach((name, level) -> context.getLogger(name)
        .setLevel(rootLevel.isGreaterOrEqual(level) ? rootLevel : level));
    // Lettuce's reconnect loop warns at every failed attempt, every few seconds while a Redis
    // server is down. The collector already logs the failed scrape once per error.
    context.getLogger("io.lettuce.core.protocol.ConnectionWatchdog").setLevel(
        rootLevel.isGreaterOrEqual(Level.ERROR) ? rootLevel : Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * Sends java.util.logging records, which the PostgreSQL driver writes, to Logback, so that they
   * carry the agent's format and levels. The propagator copies Logback's levels to the JDK's
   * loggers, so that a record below the level costs no more than a level check in the driver.
   */
  static void routeJavaUtilLogging(LoggerContext context) {
    LevelChangePropagator propagator = new LevelChangePropagator();
    propagator.setContext(context);
    propagator.setResetJUL(true);
    propagator.start();
    context.addListener(propagator);
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  /**
   * Returns whether Logback can read {@code value} as it reads {@code logback.configurationFile}:
   * a URL, a readable regular file, or a class path resource.
   */
  static boolean isReadableConfiguration(String value) {
    if (value.isBlank()) {
      return false;
    }
    try {
      URI uri = new URI(value.trim());
      if (uri.getScheme() != null && uri.getScheme().length() > 1) {
        return true;
      }
    } catch (URISyntaxException notUri) {
      // Not a URL: a file path or a resource name.
    }
    Path path = Path.of(value.trim());
    return (Files.isRegularFile(path) && Files.isReadable(path)) || hasResource(value.trim());
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
