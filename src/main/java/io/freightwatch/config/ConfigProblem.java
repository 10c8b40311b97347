package io.freightwatch.config;

import java.util.Objects;

/**
 * One configuration error.
 *
 * @param location file and line, for example {@code freightwatch.yaml:12}, or the file alone
 * @param path key path such as {@code targets.postgres[0].dsn}; empty for file-level errors
 * @param message what is wrong with the value and how to fix it
 */
public record ConfigProblem(String location, String path, String message) {

  public ConfigProblem {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return path.isEmpty() ? location + ": " + message : location + ": " + path + ": " + message;
  }
}
