package io.freightwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.testing.Promtool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Prometheus files shipped in alert-rules/prometheus/ match the rule pack and are valid. */
class RulesExportTest {

  private static final Path SHIPPED = Path.of("alert-rules", "prometheus");

  @TempDir Path dir;

  @Test
  void shippedExportIsUpToDate() throws Exception {
    assertThat(run("rules", "export", "--rules", "alert-rules", "--out", dir.toString()))
        .isZero();

    for (String file : new String[] {RulesCommand.RULES_FILE, RulesCommand.SLOS_FILE}) {
      assertThat(Files.readString(SHIPPED.resolve(file)))
          .as("%s; run freightwatch rules export to refresh it", SHIPPED.resolve(file))
          .isEqualTo(Files.readString(dir.resolve(file)));
    }
  }

  @Test
  void promtoolAcceptsShippedExport() throws Exception {
    Path promtool = Promtool.require();
    Process process = new ProcessBuilder(promtool.toString(), "check", "rules",
        SHIPPED.resolve(RulesCommand.RULES_FILE).toString(),
        SHIPPED.resolve(RulesCommand.SLOS_FILE).toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor()).as("promtool check rules output:%n%s", output).isZero();
    assertThat(output).contains("SUCCESS: 29 rules found").contains("SUCCESS: 35 rules found");
  }

  @Test
  void invalidRulesExitWithConfigError() throws Exception {
    Files.writeString(dir.resolve("broken.yaml"), "rules:\n  - name: x\n    signal: y\n");
    StringWriter err = new StringWriter();

    int exit = Main.commandLine().setErr(new PrintWriter(err))
        .execute("rules", "export", "--rules", dir.toString());

    assertThat(exit).isEqualTo(Main.EXIT_CONFIG_ERROR);
    assertThat(err.toString()).contains("broken.yaml:2: rules[0]: missing threshold");
    assertThat(dir.resolve("prometheus")).doesNotExist();
  }

  private static int run(String... args) {
    CommandLine command = Main.commandLine();
    command.setOut(new PrintWriter(new StringWriter()));
    return command.execute(args);
  }
}
