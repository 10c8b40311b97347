package io.freightwatch.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the agent pushes its signals, read from {@code export}.
 *
 * @param otlp OpenTelemetry metrics export, if configured
 * @param azureMonitor Azure Monitor Logs Ingestion export, if configured
 */
public record ExportConfig(Optional<Otlp> otlp, Optional<AzureMonitor> azureMonitor) {

  public static final ExportConfig NONE = new ExportConfig(Optional.empty(), Optional.empty());

  public ExportConfig {
    Objects.requireNonNull(otlp, "otlp");
    Objects.requireNonNull(azureMonitor, "azureMonitor");
  }

  /** OTLP transport. */
  public enum OtlpProtocol {
    HTTP_PROTOBUF("http/protobuf"),
    GRPC("grpc");

    private final String yamlName;

    OtlpProtocol(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  /** Aggregation temporality of exported counters. */
  public enum Temporality {
    CUMULATIVE,
    DELTA
  }

  /**
   * OpenTelemetry metrics export.
   *
   * @param endpoint collector URL; for {@code http/protobuf} the full path, usually ending in
   *     {@code /v1/metrics}, for {@code grpc} the scheme, host and port
   * @param protocol transport
   * @param interval time between two exports
   * @param timeout limit of one export request
   * @param headers extra request headers, such as an API key; values are secrets
   * @param temporality counter temporality; cumulative unless set
   * @param resourceAttributes extra resource attributes, added to those from the environment
   */
  public record Otlp(
      URI endpoint,
      OtlpProtocol protocol,
      Duration interval,
      Duration timeout,
      Map<String, Secret> headers,
      Temporality temporality,
      Map<String, String> resourceAttributes) {

    public Otlp {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(timeout, "timeout");
      headers = Map.copyOf(headers);
      Objects.requireNonNull(temporality, "temporality");
      resourceAttributes = Map.copyOf(resourceAttributes);
    }
  }

  /**
   * Azure Monitor Logs Ingestion export of SLO snapshots and business signals. Alert events go
   * through a receiver of type {@code azure_monitor} instead, so that they share the outbox.
   *
   * @param endpoint data collection endpoint (or the rule's own logs ingestion endpoint)
   * @param ruleId immutable id of the data collection rule, {@code dcr-...}
   * @param sloStream stream of SLO snapshots; empty to send none
   * @param signalsStream stream of business signals; empty to send none
   * @param sloPrefixes series name prefixes that are SLO snapshots
   * @param signalPrefixes series name prefixes that are business signals
   * @param interval time between two uploads
   * @param managedIdentityClientId client id of a user-assigned managed identity, or empty for the
   *     credential chain's default (workload identity in AKS)
   */
  public record AzureMonitor(
      URI endpoint,
      String ruleId,
      String sloStream,
      String signalsStream,
      List<String> sloPrefixes,
      List<String> signalPrefixes,
      Duration interval,
      String managedIdentityClientId) {

    public AzureMonitor {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(ruleId, "ruleId");
      Objects.requireNonNull(sloStream, "sloStream");
      Objects.requireNonNull(signalsStream, "signalsStream");
      sloPrefixes = List.copyOf(sloPrefixes);
      signalPrefixes = List.copyOf(signalPrefixes);
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(managedIdentityClientId, "managedIdentityClientId");
    }
  }
}
