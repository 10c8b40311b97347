package io.freightwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

class CommandLineTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    return commandLine.execute(args);
  }

  @Test
  void checkRejectsMalformedConfig() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        targets:
          traefik:
            - name: ingress
              url: http://127.0.0.1:8080/metrics
              interval: fast
        """);

    int exit = execute("check", "--config", file.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains(
        "bad.yaml:5: targets.traefik[0].interval: got \"fast\"; expected a duration such as 30s,"
            + " 5m or 1h30m");
  }

  @Test
  void runRejectsMalformedConfigBeforeStarting() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "agent:\n  listen: 127.0.0.1:99999\n");

    int exit = execute("run", "--config", file.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("bad.yaml:2: agent.listen: got \"127.0.0.1:99999\"; the"
        + " port must be a number from 0 to 65535");
  }

  @Test
  void checkReportsMissingFile() {
    int exit = execute("check", "--config", dir.resolve("absent.yaml").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("absent.yaml: file not found");
  }

  @Test
  void checkReportsDirectoryAsConfig() {
    int exit = execute("check", "--config", dir.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains(dir + ": is a directory, not a file; pass the path of the"
        + " YAML configuration file in it, e.g. " + dir.resolve("freightwatch.yaml"));
    assertThat(err.toString()).doesNotContain("file not found");
  }

  @Test
  void checkRejectsListenHostThatIsNoAddress() throws Exception {
    Path file = dir.resolve("listen.yaml");
    Files.writeString(file, "agent:\n  listen: 999.1.1.1:80\n");

    int exit = execute("check", "--config", file.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("listen.yaml:2: agent.listen: got \"999.1.1.1:80\";"
        + " 999.1.1.1 is not a valid IPv4 address");
  }

  @Test
  void runExplainsTakenListenPort() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(RunCommand.class);
    logger.addAppender(logs);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      Path file = dir.resolve("taken.yaml");
      Files.writeString(file, "agent:\n  listen: " + address + "\n");

      int exit = execute("run", "--config", file.toString());

      assertThat(exit).isEqualTo(1);
      assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
          .anySatisfy(message -> assertThat(message)
              .startsWith("agent failed to start listen=" + address)
              .contains("Address already in use")
              .endsWith(": another agent or process listens on " + address
                  + "; stop it or set agent.listen to a free port\""));
    } finally {
      logger.detachAppender(logs);
    }
  }

  @Test
  void checkAcceptsShippedRules() throws Exception {
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, "rules:\n  directory: " + Path.of("alert-rules").toAbsolutePath()
        + "\n");

    int exit = execute("check", "--config", file.toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("configuration is valid: 0 PostgreSQL");
    assertThat(out.toString()).contains("0 Traefik, 0 Odoo HTTP target(s);");
  }

  @Test
  void checkLeavesShardOrdinalToRunTime() throws Exception {
    Path file = dir.resolve("shard.yaml");
    Files.writeString(file, "agent:\n  shard: {index: ordinal, count: 3}\n");

    int exit = execute("check", "--config", file.toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).contains("note: agent.shard.index: ordinal is resolved when the"
        + " agent runs: it takes the number at the end of the pod's host name (HOSTNAME)");
  }

  @Test
  void versionNamesTheProduct() {
    int exit = execute("--version");

    assertThat(exit).isZero();
    assertThat(out.toString()).startsWith("freightwatch ");
  }
}
