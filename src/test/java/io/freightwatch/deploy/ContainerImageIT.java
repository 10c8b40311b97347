package io.freightwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks {@code agent/Containerfile} without a container engine, which this machine lacks: the
 * files it copies exist, it runs as the numeric user the manifests expect, and its entrypoint's
 * JVM flags and command work when run with the packaged jar on this machine's JVM.
 */
class ContainerImageIT {

  private static final Path CONTAINERFILE = Path.of("agent", "Containerfile");
  private static final String IMAGE_JAR = "/opt/freightwatch/freightwatch.jar";
  private static final Pattern JSON_ARRAY = Pattern.compile("^(ENTRYPOINT|CMD) (\\[.*])$",
      Pattern.MULTILINE);

  @Test
  void copiedSourcesExist() throws IOException {
    Matcher copy = Pattern.compile("^COPY (?!--from)(.+) (\\S+)$", Pattern.MULTILINE)
        .matcher(Files.readString(CONTAINERFILE));
    int copies = 0;
    while (copy.find()) {
      for (String source : copy.group(1).trim().split("\\s+")) {
        assertThat(Path.of(source)).as("COPY source %s", source).exists();
      }
      copies++;
    }

    assertThat(copies).isGreaterThanOrEqualTo(4);
  }

  @Test
  void runsAsNumericUserWithVolumes() throws IOException {
    String text = Files.readString(CONTAINERFILE);

    assertThat(text).containsPattern("(?m)^USER 10001:10001$");
    assertThat(text).containsPattern("(?m)^VOLUME \\[\"/var/lib/freightwatch\", \"/tmp\"]$");
    assertThat(text).containsPattern("(?m)^FROM \\S+jre\\S*$");
    assertThat(text).contains("-Djava.io.tmpdir=/tmp").contains("-XX:-UsePerfData");
    assertThat(text).containsPattern("(?m)^ENV MALLOC_ARENA_MAX=2$");
  }

  @Test
  void entrypointRunsPackagedJar(@TempDir Path dir) throws Exception {
    List<String> entrypoint = instruction("ENTRYPOINT");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String argument : entrypoint.subList(1, entrypoint.size())) {
      command.add(argument.equals(IMAGE_JAR) ? jar().toString() : argument);
    }

    Run version = run(dir, command, List.of("--version"));
    assertThat(version.exitCode()).as("--version output: %s", version.output()).isZero();
    assertThat(version.output()).contains("freightwatch");

    assertThat(instruction("CMD")).containsExactly("run", "--config",
        "/etc/freightwatch/freightwatch.yaml");
    Path config = dir.resolve("freightwatch.yaml");
    Files.writeString(config, Files.readString(
            Path.of("agent", "kubernetes", "base", "freightwatch.yaml"))
        .replace("/opt/freightwatch/alert-rules", Path.of("alert-rules").toAbsolutePath()
            .toString())
        .replace("/var/lib/freightwatch", dir.resolve("data").toString()));
    Run check = run(dir, command, List.of("check", "--config", config.toString()));
    assertThat(check.exitCode()).as("check output: %s", check.output()).isZero();
  }

  private static List<String> instruction(String name) throws IOException {
    Matcher matcher = JSON_ARRAY.matcher(Files.readString(CONTAINERFILE));
    while (matcher.find()) {
      if (matcher.group(1).equals(name)) {
        String[] values = new ObjectMapper().readValue(matcher.group(2), String[].class);
        return List.of(values);
      }
    }
    throw new AssertionError(name + " with a JSON array is missing from " + CONTAINERFILE);
  }

  private static Run run(Path dir, List<String> command, List<String> arguments)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(command);
    full.addAll(arguments);
    Path output = Files.createTempFile(dir, "run", ".log");
    ProcessBuilder builder = new ProcessBuilder(full)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().put("FREIGHTWATCH_PG_PASSWORD", "placeholder");
    builder.environment().put("FREIGHTWATCH_REDIS_PASSWORD", "placeholder");
    builder.environment().put("FREIGHTWATCH_WEBHOOK_URL", "https://hooks.example.invalid/fw");
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out after 60 s: " + full);
    }
    return new Run(process.exitValue(), Files.readString(output));
  }

  private static Path jar() throws IOException {
    try (DirectoryStream<Path> jars =
        Files.newDirectoryStream(Path.of("target"), "freightwatch-*-all.jar")) {
      for (Path jar : jars) {
        return jar;
      }
    }
    throw new AssertionError("target/freightwatch-*-all.jar is missing; run mvn package first");
  }

  private record Run(int exitCode, String output) {}
}
