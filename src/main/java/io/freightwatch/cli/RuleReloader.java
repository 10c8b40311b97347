package io.freightwatch.cli;

import io.freightwatch.config.ConfigException;
import io.freightwatch.config.ConfigProblem;
import io.freightwatch.config.RuleFileReader;
import io.freightwatch.config.RuleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Reads a rule directory again when its files change or on request. Both methods block on file
 * reads and run on a worker thread; the caller installs the result on the event loop.
 *
 * <p>A check first compares each rule file's name, file key (inode), size and modification time
 * with the previous check, and reads the contents only when one of them differs. A steady
 * directory then costs one listing and a few stat calls per check. An edit in place, a file
 * renamed over another, and a Kubernetes ConfigMap update (a symbolic link switched to a new
 * directory) all change the file key or the time. The contents' digest then separates a real
 * change from a file that was only touched.
 */
final class RuleReloader {

  private static final Logger LOG = LoggerFactory.getLogger(RuleReloader.class);

  private final Path directory;
  private List<String> lastAttributes;
  private String lastDigest;

  RuleReloader(Path directory) {
    this.directory = directory;
    this.lastAttributes = attributes();
    this.lastDigest = digest();
  }

  /** Returns whether any rule file was added, removed or changed since the last call. */
  boolean hasChanged() {
    List<String> attributes = attributes();
    if (attributes != null && attributes.equals(lastAttributes)) {
      return false;
    }
    lastAttributes = attributes;
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
    lastAttributes = attributes();
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

  /**
   * Returns the name, file key, size and modification time of each rule file, in name order. It
   * returns null when the directory or a file cannot be read, so that the caller reads the
   * contents and reports the error.
   */
  private List<String> attributes() {
    try (Stream<Path> listing = Files.list(directory)) {
      List<Path> files = listing.filter(RuleReloader::isRuleFile).sorted().toList();
      List<String> attributes = new ArrayList<>(files.size());
      for (Path file : files) {
        BasicFileAttributes stat = Files.readAttributes(file, BasicFileAttributes.class);
        attributes.add(file.getFileName() + "\0" + stat.fileKey() + "\0" + stat.size() + "\0"
            + stat.lastModifiedTime().toInstant());
      }
      return attributes;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isRuleFile(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  /** Digest over the names and contents of the directory's rule files. */
  private String digest() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
    try (Stream<Path> listing = Files.list(directory)) {
      List<Path> files = listing.filter(RuleReloader::isRuleFile).sorted().toList();
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
