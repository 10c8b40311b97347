package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code integrations} section and {@code targets.odoo_http}. */
class IntegrationsConfigTest {

  @TempDir Path dir;

  @Test
  void readsPartnersAndWindows() throws Exception {
    AgentConfig config = load("""
        dependencies:
          integrations:
            dhl: {tenants: [acme]}
            edi-hub: {tenants: [acme, globex]}
        integrations:
          windows: [1h, 5m]
          partners:
            - name: dhl
              queue_jobs:
                - {channel_prefix: root.carrier.dhl}
                - {model: stock.picking, method: _dhl_send_shipping}
              traefik_routers: ["dhl-webhook-(?<tenant>[a-z]+)@kubernetes"]
            - name: edi-hub
              edi: [{backend: hub, exchange_type: desadv}]
        """);

    IntegrationsConfig integrations = config.integrations();
    assertThat(integrations.windows()).containsExactly(Duration.ofMinutes(5), Duration.ofHours(1));
    assertThat(integrations.partners()).extracting(IntegrationsConfig.Integration::name)
        .containsExactly("dhl", "edi-hub");
    IntegrationsConfig.Integration dhl = integrations.partners().get(0);
    assertThat(dhl.queueJobs()).containsExactly(
        new IntegrationsConfig.QueueJobMatch(Optional.empty(), Optional.of("root.carrier.dhl"),
            Optional.empty(), Optional.empty()),
        new IntegrationsConfig.QueueJobMatch(Optional.empty(), Optional.empty(),
            Optional.of("stock.picking"), Optional.of("_dhl_send_shipping")));
    assertThat(dhl.traefikRouters().get(0).tenantOf("dhl-webhook-acme@kubernetes"))
        .contains("acme");
    assertThat(integrations.partners().get(1).edi())
        .containsExactly(new IntegrationsConfig.EdiMatch("hub", Optional.of("desadv")));
  }

  @Test
  void defaultsWindowsWithoutSection() throws Exception {
    AgentConfig config = load("agent: {listen: 127.0.0.1:0}\n");

    assertThat(config.integrations().windows()).containsExactly(Duration.ofMinutes(5),
        Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(6));
    assertThat(config.integrations().partners()).isEmpty();
    assertThat(config.odooHttp()).isEmpty();
  }

  @Test
  void reportsEveryIntegrationProblem() throws Exception {
    Path file = write("""
        dependencies:
          integrations:
            dhl: {tenants: [acme]}
        integrations:
          windows: [5m, 10s, soon, 5m]
          partners:
            - name: dhl
              queue_jobs:
                - {channel: root.carrier, channel_prefix: root.carrier}
                - {}
            - name: dpd
              traefik_routers: ["dpd-(api"]
            - name: dhl
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("integrations.windows[1]: got 10s; expected a window from 30s to"
            + " 1d, e.g. 10m")
        .hasMessageContaining("integrations.windows[2]: got \"soon\"; expected a duration such"
            + " as 5m or 1h")
        .hasMessageContaining("integrations.windows[3]: got 5m; this window is listed twice")
        .hasMessageContaining("integrations.partners[0].queue_jobs[0]: sets both channel and"
            + " channel_prefix")
        .hasMessageContaining("integrations.partners[0].queue_jobs[1]: matches every job; set"
            + " channel, channel_prefix, model or method")
        .hasMessageContaining("integrations.partners[1].name: got \"dpd\";"
            + " dependencies.integrations has no entry of this name")
        .hasMessageContaining("integrations.partners[1].traefik_routers[0]: got \"dpd-(api\";"
            + " not a valid regular expression")
        .hasMessageContaining("integrations.partners[2].name: got \"dhl\"; another integration"
            + " already has this name")
        .hasMessageContaining("integrations.partners[2]: names no source; add queue_jobs, edi or"
            + " traefik_routers");
  }

  @Test
  void readsOdooHttpTargets() throws Exception {
    AgentConfig config = load("""
        targets:
          odoo_http:
            - name: acme-web
              tenant: acme
              url: http://odoo-acme-web:8069
              interval: 30s
              timeout: 4s
            - name: legacy
              url: https://odoo14.example.com/
              endpoint: version_info
              check_database: false
        """);

    assertThat(config.odooHttp()).containsExactly(
        new OdooHttpTarget("acme-web", "acme", URI.create("http://odoo-acme-web:8069"),
            Duration.ofSeconds(30), Duration.ofSeconds(4), OdooHttpTarget.Endpoint.HEALTH, true),
        new OdooHttpTarget("legacy", "legacy", URI.create("https://odoo14.example.com/"),
            Duration.ofSeconds(15), Duration.ofSeconds(5), OdooHttpTarget.Endpoint.VERSION_INFO,
            false));
  }

  @Test
  void rejectsBadOdooHttpTargets() throws Exception {
    Path file = write("""
        targets:
          odoo_http:
            - name: acme-web
              url: http://admin:secret@odoo-acme-web:8069
            - name: acme-web
              url: ftp://odoo
              interval: 5s
              timeout: 5s
              endpoint: login
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets.odoo_http[0].url: the URL contains a password in the user"
            + " info (user:password@); /web/health needs no login")
        .hasMessageContaining("targets.odoo_http[1].name: got \"acme-web\"; another target of"
            + " this kind already has this name")
        .hasMessageContaining("targets.odoo_http[1].url: got \"ftp://odoo\"; expected Odoo's"
            + " http(s) base URL without a query")
        .hasMessageContaining("targets.odoo_http[1].timeout: got 5s; the timeout must be shorter"
            + " than the interval (5s)")
        .hasMessageContaining("targets.odoo_http[1].endpoint: got \"login\"; expected one of"
            + " [health, version_info]")
        .message().doesNotContain("secret");
  }

  private AgentConfig load(String yaml) throws Exception {
    return new ConfigLoader(Map.of()).load(write(yaml));
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("freightwatch.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
