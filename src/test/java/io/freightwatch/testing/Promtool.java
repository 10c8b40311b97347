package io.freightwatch.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds Prometheus' {@code promtool}. Where it is missing, a local run skips the test with a
 * message naming it, and a run with {@code CI=true} fails.
 */
public final class Promtool {

  private Promtool() {}

  /** Returns the path of promtool, or skips (fails under CI) when it is not installed. */
  public static Path require() {
    Optional<Path> found = find();
    if (found.isEmpty()) {
      String message = "promtool not found in the PATH or /usr/bin (Debian package prometheus);"
          + " scripts/setup-machine.sh installs it";
      if (RequiredServers.isCi()) {
        Assertions.fail(message + " (CI=true, so a missing tool fails the build)");
      }
      Assumptions.abort(message);
    }
    return found.get();
  }

  private static Optional<Path> find() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.concat(Stream.of(path.split(":")), Stream.of("/usr/bin", "/usr/local/bin"))
        .filter(entry -> !entry.isEmpty())
        .map(entry -> Path.of(entry, "promtool"))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
