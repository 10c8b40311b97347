package io.freightwatch.cli;

import io.freightwatch.config.ConfigException;
import io.freightwatch.config.ConfigProblem;
import io.freightwatch.config.RuleFileReader;
import io.freightwatch.config.RuleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Reads a rule directory again when its files change or on request. Both methods block on file
 * reads and run on a worker thread; the caller installs the result on the event loop.
 */
final class RuleReloader {

  private static final Logger LOG = LoggerFactory.getLogger(RuleReloader.class);

  private final Path directory;
  private String lastDigest;

  RuleReloader(Path directory) {
    this.directory = directory;
    this.lastDigest = digest();
  }

  /** Returns whether any rule file was added, removed or changed since the last call. */
  boolean hasChanged() {
    String now = digest();
    if (now.equals(lastDigest)) {
      return false;
    }
    lastDigest = now;
    return true;
  }

  /**
   * Reads the directory.
   *
   * @throws ConfigException listing every problem; the caller keeps the previous rules
   */
  RuleSet read() throws ConfigException {
    lastDigest = digest();
    return new RuleFileReader().readRuleSet(directory);
  }

  /** Logs every problem of a rejected reload, one line each. */
  static void logRejected(ConfigException e) {
    for (ConfigProblem problem : e.problems()) {
      LOG.error("rule reload rejected, previous rules kept problem=\"{}\"", problem);
    }
  }

  /**
   * Runs {@code action} on every SIGHUP. Uses {@code sun.misc.Signal}, the only way to handle a
   * signal in a Java 17 process; it is unsupported API, and where the runtime lacks it (or the
   * JVM was started with -Xrs) the agent still reloads on file change.
   */
  static void onSighup(Runnable action) {
    try {
      Signal.handle(new Signal("HUP"), signal -> action.run());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.warn("SIGHUP handler not installed, rules reload on file change only error=\"{}\"",
          e.getMessage());
    }
  }

  /** Digest over the names, sizes and contents of the directory's rule files. */
  private String digest() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
    try (Stream<Path> listing = Files.list(directory)) {
      List<Path> files = listing
          .filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted()
          .toList();
      for (Path file : files) {
        digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(Files.readAllBytes(file));
        digest.update((byte) 0);
      }
    } catch (IOException e) {
      // An unreadable directory reads as changed, so that the next reload reports the error.
      return "unreadable:" + e.getMessage();
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
