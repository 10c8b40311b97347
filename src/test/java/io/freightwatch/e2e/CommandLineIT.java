package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged jar as an operator would. */
class CommandLineIT {

  @TempDir Path dir;

  private static Path jar() throws IOException {
    try (DirectoryStream<Path> jars =
        Files.newDirectoryStream(Path.of("target"), "freightwatch-*-all.jar")) {
      for (Path jar : jars) {
        return jar;
      }
    }
    throw new AssertionError("target/freightwatch-*-all.jar is missing; run mvn package first");
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  private Result run(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar().toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("process finished").isTrue();
    return new Result(process.exitValue(),
        Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  @Test
  void malformedConfigExitsWithTwo() throws Exception {
    Path config = dir.resolve("freightwatch.yaml");
    Files.writeString(config, """
        targets:
          postgres:
            - name: primary
              dsn: postgresql://freightwatch@127.0.0.1:5432/postgres
              statement_timeout: -5s
        """);

    Result result = run("run", "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("freightwatch.yaml:5:"
        + " targets.postgres[0].statement_timeout: got \"-5s\"; expected a duration");
  }

  @Test
  void versionPrintsProductAndVersion() throws Exception {
    Result result = run("--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).startsWith("freightwatch 0.");
  }
}
