package io.freightwatch.cli;

import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.notify.Receiver;
import io.freightwatch.notify.alertmanager.AlertmanagerReceiver;
import io.freightwatch.notify.azuremonitor.AzureMonitorReceiver;
import io.freightwatch.notify.azuremonitor.LogsUploader;
import io.freightwatch.notify.pagerduty.PagerDutyReceiver;
import io.freightwatch.notify.teams.TeamsReceiver;
import io.freightwatch.notify.webhook.WebhookReceiver;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Creates the receiver implementation for each configured receiver, by its type. */
final class ReceiverFactory implements AutoCloseable {

  private final WebClient client;
  private final String externalUrl;
  private final Clock clock;
  private final WorkerExecutor workers;
  private final List<LogsUploader> uploaders = new ArrayList<>();

  /**
   * @param workers worker pool for receivers whose client blocks (Azure Monitor)
   */
  ReceiverFactory(WebClient client, String externalUrl, Clock clock, WorkerExecutor workers) {
    this.client = client;
    this.externalUrl = externalUrl;
    this.clock = clock;
    this.workers = workers;
  }

  Map<String, Receiver> create(List<ReceiverConfig> configs) {
    Map<String, Receiver> receivers = new LinkedHashMap<>();
    for (ReceiverConfig config : configs) {
      receivers.put(config.name(), create(config));
    }
    return receivers;
  }

  private Receiver create(ReceiverConfig config) {
    return switch (config.type()) {
      case "pagerduty" -> new PagerDutyReceiver(config, client, externalUrl, clock);
      case "teams" -> new TeamsReceiver(config, client, clock);
      case "alertmanager" -> new AlertmanagerReceiver(config, client, externalUrl, clock);
      case "azure_monitor" -> {
        LogsUploader uploader =
            new LogsUploader(
                config.url().reveal(),
                config.ruleId(),
                LogsUploader.defaultCredential(""),
                LogsUploader.defaultHttpClient());
        uploaders.add(uploader);
        yield new AzureMonitorReceiver(config, uploader, workers);
      }
      default -> new WebhookReceiver(config, client, externalUrl, clock);
    };
  }

  @Override
  public void close() {
    uploaders.forEach(LogsUploader::close);
  }
}
