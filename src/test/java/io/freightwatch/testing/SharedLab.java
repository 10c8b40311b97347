package io.freightwatch.testing;

import io.freightwatch.lab.Lab;
import io.freightwatch.lab.LabOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One {@link Lab} per test JVM, started on first use on free ports in {@code
 * target/shared-lab-<pid>} and closed (and its directory deleted) when the JVM ends, so that
 * several integration test classes share one PostgreSQL pair, Redis and Traefik stand-in.
 *
 * <p>Tests that switch faults or pause the workload must undo it before they end, because the next
 * test class uses the same lab. Use {@link LabExtension} to get the lab as a parameter.
 */
public final class SharedLab {

  private static Lab lab;
  private static RuntimeException startFailure;

  private SharedLab() {}

  /**
   * Returns the shared lab, starting it on the first call. Skips the calling test when a server
   * program is missing (fails it under {@code CI=true}).
   *
   * @throws IllegalStateException when the lab failed to start, on this or an earlier call
   */
  public static synchronized Lab get() {
    RequiredServers.requireLab();
    if (startFailure != null) {
      throw new IllegalStateException("the shared lab failed to start earlier", startFailure);
    }
    if (lab == null) {
      Path dir =
          projectDir().resolve("target").resolve("shared-lab-" + ProcessHandle.current().pid());
      try {
        lab = Lab.start(LabOptions.withFreePorts(dir));
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
      Lab started = lab;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    started.close();
                    deleteRecursively(dir);
                  },
                  "shared-lab-shutdown"));
    }
    return lab;
  }

  /** Returns the project directory: FREIGHTWATCH_PROJECT_DIR (set by failsafe), else user.dir. */
  static Path projectDir() {
    String configured = System.getenv("FREIGHTWATCH_PROJECT_DIR");
    return Path.of(configured != null ? configured : System.getProperty("user.dir"))
        .toAbsolutePath()
        .normalize();
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("shared lab: could not delete " + dir + ": " + e);
    }
  }
}
