package io.freightwatch.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's Chromium headless, once per call, with a fresh profile and without any network
 * access of its own (no updates, sync or QUIC), to read a page the way a person's browser renders
 * it.
 */
public final class HeadlessChromium {

  private static final long TIMEOUT_SECONDS = 90;

  private final Path profileRoot;

  /** @param workDir directory for the throwaway profiles */
  public HeadlessChromium(Path workDir) {
    RequiredServers.requireChromium();
    this.profileRoot = workDir;
  }

  /** Returns the DOM of {@code url} after it loaded, serialised as HTML. */
  public String dumpDom(String url) throws IOException, InterruptedException {
    return run(List.of("--dump-dom", url));
  }

  /** Writes a PNG screenshot of {@code url} at {@code width} x {@code height} pixels. */
  public void screenshot(String url, Path png, int width, int height)
      throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
        "--hide-scrollbars", url));
  }

  private String run(List<String> arguments) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(profileRoot, "chromium-profile");
    List<String> command = new ArrayList<>(List.of(RequiredServers.CHROMIUM, "--headless",
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile));
    command.addAll(arguments);
    Path log = profile.resolve("chromium.log");
    Path output = profile.resolve("stdout.html");
    Process process = new ProcessBuilder(command)
        .redirectError(log.toFile())
        .redirectOutput(output.toFile())
        .start();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("chromium did not finish within " + TIMEOUT_SECONDS + " s: "
          + command);
    }
    if (process.exitValue() != 0) {
      throw new IOException("chromium exited with " + process.exitValue() + ": " + command
          + "\n" + Files.readString(log));
    }
    return Files.readString(output, StandardCharsets.UTF_8);
  }
}
