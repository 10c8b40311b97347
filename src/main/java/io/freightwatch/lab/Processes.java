package io.freightwatch.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external programs of the lab (PostgreSQL tools, redis-server) with time limits. */
final class Processes {

  private static final int OUTPUT_TAIL_CHARS = 2000;

  private Processes() {}

  /** Returns whether this JVM runs as root, where PostgreSQL tools must run as another user. */
  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Runs {@code command} and waits for it.
   *
   * @param asUser OS user to run as through {@code runuser}, or empty for the current user
   * @return the combined standard output and error
   * @throws IllegalStateException when the program exits non-zero or runs past {@code timeout}; the
   *     message has the command and the end of its output
   */
  static String run(List<String> command, String asUser, Duration timeout) {
    List<String> full = new ArrayList<>();
    if (!asUser.isEmpty()) {
      full.addAll(List.of("runuser", "-u", asUser, "--"));
    }
    full.addAll(command);
    Path output = null;
    try {
      output = Files.createTempFile("freightwatch-lab-", ".out");
      Process process =
          new ProcessBuilder(full)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "timed out after " + timeout.toSeconds() + " s: " + String.join(" ", full));
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "failed with exit code "
                + process.exitValue()
                + ": "
                + String.join(" ", full)
                + "\n"
                + tail(text));
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + String.join(" ", full), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", full), e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // A leftover temporary file is harmless.
        }
      }
    }
  }

  /**
   * Returns a TCP port that was free on 127.0.0.1 a moment ago.
   *
   * <p>NOTE: another process can take the port between this call and the server's bind. The lab
   * then fails to start with a message naming the port, and starting it again picks another one.
   */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("could not find a free port on 127.0.0.1", e);
    }
  }

  /** Returns {@code port}, or a free port when it is 0. */
  static int portOrFree(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: got " + port + "; expected 0 to 65535");
    }
    return port == 0 ? freePort() : port;
  }

  static String tail(String text) {
    return text.length() <= OUTPUT_TAIL_CHARS
        ? text
        : "..." + text.substring(text.length() - OUTPUT_TAIL_CHARS);
  }
}
