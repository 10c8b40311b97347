package io.freightwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.lab.LabMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Checks the help text of every command and option, the agent's and the lab's. */
class HelpTextTest {

  /** Words that name a unit or a duration format in an option's description. */
  private static final Pattern UNIT = Pattern.compile(
      "(?i)\\b(seconds?|minutes?|milliseconds?|bytes|duration|[0-9]+(ms|s|m|h))\\b");

  @Test
  void everyOptionHasDescription() {
    for (OptionSpec option : allOptions()) {
      assertThat(String.join(" ", option.description()))
          .as("description of %s", option.longestName()).isNotBlank();
    }
  }

  @Test
  void numericOptionsNameTheirUnit() {
    for (OptionSpec option : allOptions()) {
      Class<?> type = option.type();
      boolean numeric = type == int.class || type == long.class || type == Integer.class
          || type == Long.class || type == double.class;
      boolean duration = "DURATION".equals(option.paramLabel());
      if ((numeric || duration) && !isCount(option)) {
        assertThat(String.join(" ", option.description()))
            .as("unit in the description of %s", option.longestName())
            .containsPattern(UNIT);
      }
    }
  }

  @Test
  void onceHelpExplainsExitCodes() {
    StringWriter out = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));

    int exit = commandLine.execute("once", "--help");

    assertThat(exit).isZero();
    assertThat(out.toString().replaceAll("\\s+", " ")).contains("--timeout=DURATION", "--config=FILE",
        "1 a critical alert fires", "2 the configuration is invalid");
  }

  /** Options that count things (tenants, ports) need no unit. */
  private static boolean isCount(OptionSpec option) {
    String name = option.longestName();
    return name.equals("--tenants") || name.endsWith("-port");
  }

  private static List<OptionSpec> allOptions() {
    List<OptionSpec> options = new ArrayList<>();
    collect(Main.commandLine().getCommandSpec(), options);
    collect(new CommandLine(LabMain.class).getCommandSpec(), options);
    return options;
  }

  private static void collect(CommandSpec spec, List<OptionSpec> options) {
    options.addAll(spec.options());
    for (CommandLine sub : spec.subcommands().values()) {
      collect(sub.getCommandSpec(), options);
    }
  }
}
