package io.freightwatch.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The PostgreSQL server programs of this machine.
 *
 * @param binDir directory holding {@code initdb}, {@code pg_ctl}, {@code pg_basebackup} and {@code
 *     postgres}
 * @param libDir directory holding server extensions such as {@code pg_stat_statements.so}
 * @param major major version, e.g. 15
 */
public record PostgresBinaries(Path binDir, Path libDir, int major) {

  private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
  private static final List<String> REQUIRED = List.of("initdb", "pg_ctl", "pg_basebackup");

  public PostgresBinaries {
    Objects.requireNonNull(binDir, "binDir");
    Objects.requireNonNull(libDir, "libDir");
  }

  /**
   * Finds the newest {@code /usr/lib/postgresql/N/bin} (the Debian layout that allows several
   * majors side by side), else the directory {@code pg_config --bindir} names.
   *
   * @return empty when no directory has all of initdb, pg_ctl and pg_basebackup
   */
  public static Optional<PostgresBinaries> find() {
    Optional<PostgresBinaries> debian = newestDebianInstall();
    return debian.isPresent() ? debian : fromPgConfig();
  }

  /** Returns the path of one program, such as {@code pg_ctl}. */
  public Path program(String name) {
    return binDir.resolve(name);
  }

  /** Returns whether the pg_stat_statements library is installed (package postgresql-contrib). */
  public boolean hasPgStatStatements() {
    return Files.isRegularFile(libDir.resolve("pg_stat_statements.so"));
  }

  private static Optional<PostgresBinaries> newestDebianInstall() {
    if (!Files.isDirectory(DEBIAN_ROOT)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
      return versions
          .filter(dir -> dir.getFileName().toString().matches("\\d+"))
          .filter(dir -> hasRequiredPrograms(dir.resolve("bin")))
          .max(Comparator.comparingInt(dir -> Integer.parseInt(dir.getFileName().toString())))
          .map(
              dir ->
                  new PostgresBinaries(
                      dir.resolve("bin"),
                      dir.resolve("lib"),
                      Integer.parseInt(dir.getFileName().toString())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<PostgresBinaries> fromPgConfig() {
    try {
      String out =
          Processes.run(
              List.of("pg_config", "--bindir", "--pkglibdir", "--version"),
              "",
              Duration.ofSeconds(10));
      List<String> lines = out.lines().map(String::trim).toList();
      Path bin = Path.of(lines.get(0));
      // "PostgreSQL 15.18 (Debian 15.18-0+deb12u1)" -> 15
      String version = lines.get(2).replaceFirst("^PostgreSQL\\s+", "");
      int major = Integer.parseInt(version.split("[.\\s]")[0]);
      return hasRequiredPrograms(bin)
          ? Optional.of(new PostgresBinaries(bin, Path.of(lines.get(1)), major))
          : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean hasRequiredPrograms(Path bin) {
    return REQUIRED.stream().allMatch(name -> Files.isExecutable(bin.resolve(name)));
  }
}
