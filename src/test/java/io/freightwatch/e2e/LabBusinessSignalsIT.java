package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.freightwatch.lab.AgentConfigFile;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.LabExtension;
import io.freightwatch.testing.WebhookCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the agent with the configuration the lab writes for the demo and checks that every tenant
 * shows the business signals: crons, mail, EDI, pickings and the custom query.
 */
@ExtendWith(LabExtension.class)
class LabBusinessSignalsIT {

  private static final String CUSTOM_QUERY = "sale_orders_waiting_for_label";

  private final Lab lab;

  LabBusinessSignalsIT(Lab lab) {
    this.lab = lab;
  }

  @Test
  void demoConfigShowsBusinessSignals(@TempDir Path dir) throws Exception {
    try (WebhookCapture webhook = new WebhookCapture()) {
      Path file = dir.resolve("freightwatch.yaml");
      new AgentConfigFile("127.0.0.1:0", Duration.ofSeconds(1),
          Path.of("alert-rules").toAbsolutePath(), webhook.url()).write(lab, file);
      try (AgentUnderTest agent = AgentUnderTest.start(file, UnaryOperator.identity())) {
        for (String tenant : lab.tenants().names()) {
          await().atMost(Duration.ofSeconds(60)).until(() ->
              agent.metric("freightwatch_odoo_custom_query_up",
                  Map.of("tenant", tenant, "query", CUSTOM_QUERY)).isPresent());

          assertThat(agent.metric("freightwatch_odoo_custom_query_up",
                  Map.of("tenant", tenant, "query", CUSTOM_QUERY)))
              .as("custom query of %s", tenant).contains(1.0);
          assertThat(agent.metric("freightwatch_odoo_cron_overdue_seconds",
                  Map.of("tenant", tenant, "cron", "Mail: Email Queue Manager")))
              .as("cron of %s", tenant).isPresent();
          assertThat(agent.metric("freightwatch_odoo_mail_messages",
                  Map.of("tenant", tenant, "state", "exception")))
              .as("mail of %s", tenant).isPresent();
          assertThat(agent.metric("freightwatch_odoo_edi_exchanges_total",
                  Map.of("tenant", tenant, "exchange_type", "sale_order_import")))
              .as("EDI of %s", tenant).isPresent();
          assertThat(agent.metric("freightwatch_odoo_pickings", Map.of("tenant", tenant,
                  "warehouse", "WH", "picking_type", "outgoing", "state", "assigned")))
              .as("pickings of %s", tenant).isPresent();
          assertThat(agent.metric("freightwatch_odoo_deliveries_past_deadline",
                  Map.of("tenant", tenant, "warehouse", "WH")))
              .as("deliveries of %s", tenant).isPresent();
        }
      }
    }
  }
}
