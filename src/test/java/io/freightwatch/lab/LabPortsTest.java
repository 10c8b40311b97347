package io.freightwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LabPortsTest {

  @Test
  void busyPortNamesPortAndPart() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();

      assertThatThrownBy(() -> Lab.requireFreePort(port, "Redis"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("port " + port + " for Redis is in use on 127.0.0.1")
          .hasMessageContaining("ss -ltnp 'sport = :" + port + "'");
    }
  }

  @Test
  void busyAlertPortFailsFirst(@TempDir Path dir) throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      int code;
      try {
        code = new CommandLine(new LabMain.Up())
            .execute("--dir", dir.toString(), "--no-workload", "--alert-port", "" + port);
      } finally {
        System.setErr(err);
      }

      assertThat(code).isEqualTo(1);
      assertThat(captured.toString(StandardCharsets.UTF_8))
          .contains("port " + port + " for the alert printer is in use on 127.0.0.1")
          .contains("ss -ltnp 'sport = :" + port + "'");
      assertThat(dir.resolve("postgres")).doesNotExist();
    }
  }

  @Test
  void freePortPasses() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      port = probe.getLocalPort();
    }

    assertThatCode(() -> Lab.requireFreePort(port, "Redis")).doesNotThrowAnyException();
    assertThatCode(() -> Lab.requireFreePort(0, "Redis")).doesNotThrowAnyException();
  }

  @Test
  void demoPortsLieBelowTheEphemeralRange() {
    int[] ports = {LabOptions.DEMO_POSTGRES_PRIMARY_PORT, LabOptions.DEMO_POSTGRES_REPLICA_PORT,
        LabOptions.DEMO_REDIS_PORT, LabOptions.DEMO_TRAEFIK_PORT, LabOptions.DEMO_CONTROL_PORT,
        AlertPrinter.DEMO_PORT};
    for (int port : ports) {
      assertThat(port).isBetween(1024, 32767);
    }
  }
}
