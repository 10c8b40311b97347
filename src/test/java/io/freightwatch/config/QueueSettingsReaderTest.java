package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueSettingsReaderTest {

  private static final String SERVER =
      """
      targets:
        postgres:
          - name: db
            dsn: postgresql://db:5432/postgres
        odoo:
          - server: db
            tenants: [{database: odoo_acme}]
      """;

  @TempDir Path dir;

  @Test
  void readsCapacitiesAndChannelLimits() throws Exception {
    OdooTarget target =
        load(
            SERVER
                + """
                      queue:
                        channels: "root:5, edi:4, root.mail:1:throttle=2, root.seq:1:sequential"
                        dead_after:
                          started: 30m
                          enqueued: 2m
                          channels:
                            root.edi: {started: 15m}
                            reporting: {started: 2h, enqueued: 10m}
                """);

    OdooQueueSettings queue = target.queue();
    assertThat(queue.capacities())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("root", 5, "root.edi", 4, "root.mail", 1, "root.seq", 1));
    assertThat(queue.deadAfter("root.edi", "started")).isEqualTo(Duration.ofMinutes(15));
    assertThat(queue.deadAfter("root.edi", "enqueued")).isEqualTo(Duration.ofMinutes(2));
    assertThat(queue.deadAfter("root.reporting", "started")).isEqualTo(Duration.ofHours(2));
    assertThat(queue.deadAfter("root.reporting", "enqueued")).isEqualTo(Duration.ofMinutes(10));
    assertThat(queue.deadAfter("root.mail", "started")).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void absentQueueSectionGivesDefaults() throws Exception {
    assertThat(load(SERVER).queue()).isEqualTo(OdooQueueSettings.DEFAULTS);
  }

  @Test
  void reportsMalformedChannelItems() throws Exception {
    Path file =
        write(
            SERVER
                + """
                      queue:
                        channels: "root:five,root.edi:2:sequential,root.x:1:fast,x:3"
                        dead_after:
                          started: 0s
                          channels:
                            "root..edi": {started: 5m}
                """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "queue.yaml:9: targets.odoo[0].queue.channels: got \"root:five\"; expected"
                + " name:capacity with a capacity of 0 or more, e.g."
                + " root:5,root.edi:4,root.mail:1:throttle=2")
        .hasMessageContaining(
            "targets.odoo[0].queue.channels: got \"root.edi:2:sequential\"; a sequential channel"
                + " needs capacity 1")
        .hasMessageContaining(
            "targets.odoo[0].queue.channels: got \"root.x:1:fast\"; unknown option \"fast\"; the"
                + " job runner accepts sequential and throttle=<seconds>")
        .hasMessageContaining(
            "targets.odoo[0].queue.channels: channel root.x is listed twice; list each channel once")
        .hasMessageContaining(
            "targets.odoo[0].queue.dead_after.started: got 0s; expected a duration above zero")
        .hasMessageContaining(
            "targets.odoo[0].queue.dead_after.channels.root..edi: invalid channel name"
                + " \"root..edi\"; use a dotted name such as root.edi");
  }

  @Test
  void rejectsEmptyChannelItems() throws Exception {
    Path file = write(SERVER + """
              queue:
                channels: "root:5,,root.edi:2,"
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "queue.yaml:9: targets.odoo[0].queue.channels: got \"root:5,,root.edi:2,\"; item 2"
                + " of 4 is empty; remove the extra comma or add the missing channel, e.g."
                + " root:5,root.edi:4,root.mail:1:throttle=2")
        .hasMessageContaining(
            "targets.odoo[0].queue.channels: got \"root:5,,root.edi:2,\"; item 4 of 4 is empty");
  }

  @Test
  void rejectsEmptyChannelsValue() throws Exception {
    Path file = write(SERVER + """
              queue:
                channels: " "
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "queue.yaml:9: targets.odoo[0].queue.channels: got \" \"; expected name:capacity"
                + " items separated by commas, e.g. root:5,root.edi:4,root.mail:1:throttle=2,"
                + " or remove queue.channels");
  }

  private OdooTarget load(String yaml) throws Exception {
    AgentConfig config = new ConfigLoader(Map.of()).load(write(yaml));
    assertThat(config.odoo()).hasSize(1);
    return config.odoo().get(0);
  }

  private Path write(String text) throws IOException {
    Path file = dir.resolve("queue.yaml");
    Files.writeString(file, text);
    return file;
  }
}
