package io.freightwatch.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads the {@code export} section: OTLP metrics and Azure Monitor Logs Ingestion. */
final class ExportReader {

  private final SecretReader secrets;

  ExportReader(SecretReader secrets) {
    this.secrets = secrets;
  }

  ExportConfig read(YamlNode node) {
    node.allowOnly("otlp", "azure_monitor");
    Optional<ExportConfig.Otlp> otlp = node.get("otlp").flatMap(this::readOtlp);
    Optional<ExportConfig.AzureMonitor> azure =
        node.get("azure_monitor").flatMap(ExportReader::readAzure);
    return new ExportConfig(otlp, azure);
  }

  private Optional<ExportConfig.Otlp> readOtlp(YamlNode node) {
    node.allowOnly(
        "endpoint",
        "protocol",
        "interval",
        "timeout",
        "headers",
        "temporality",
        "resource_attributes");
    String protocolText = node.string("protocol").orElse("http/protobuf");
    ExportConfig.OtlpProtocol protocol = ExportConfig.OtlpProtocol.HTTP_PROTOBUF;
    if (protocolText.equals("grpc")) {
      protocol = ExportConfig.OtlpProtocol.GRPC;
    } else if (!protocolText.equals("http/protobuf")) {
      node.get("protocol")
          .ifPresent(
              n -> n.problem("got \"" + protocolText + "\"; expected http/protobuf or grpc"));
    }
    String example =
        protocol == ExportConfig.OtlpProtocol.GRPC
            ? "http://otel-collector.monitoring:4317"
            : "http://otel-collector.monitoring:4318/v1/metrics";
    Optional<URI> endpoint = httpUri(node, "endpoint", example);
    Duration interval = node.positiveDuration("interval", Duration.ofSeconds(60));
    Duration timeout = node.positiveDuration("timeout", Duration.ofSeconds(10));
    Map<String, Secret> headers = secrets.headers(node, "headers");
    String temporalityText = node.string("temporality").orElse("cumulative");
    ExportConfig.Temporality temporality = ExportConfig.Temporality.CUMULATIVE;
    if (temporalityText.equals("delta")) {
      temporality = ExportConfig.Temporality.DELTA;
    } else if (!temporalityText.equals("cumulative")) {
      node.get("temporality")
          .ifPresent(
              n -> n.problem("got \"" + temporalityText + "\"; expected cumulative or delta"));
    }
    Map<String, String> attributes = node.stringMap("resource_attributes");
    if (endpoint.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ExportConfig.Otlp(
            endpoint.get(), protocol, interval, timeout, headers, temporality, attributes));
  }

  private static Optional<ExportConfig.AzureMonitor> readAzure(YamlNode node) {
    node.allowOnly(
        "endpoint",
        "rule_id",
        "slo_stream",
        "signals_stream",
        "slo_prefixes",
        "signal_prefixes",
        "interval",
        "managed_identity_client_id");
    Optional<URI> endpoint =
        httpUri(node, "endpoint", "https://my-dce.westeurope-1.ingest.monitor.azure.com");
    endpoint
        .filter(uri -> !uri.getScheme().equals("https"))
        .ifPresent(
            uri ->
                node.get("endpoint")
                    .ifPresent(
                        n ->
                            n.problem(
                                "got \""
                                    + uri
                                    + "\"; Azure Monitor"
                                    + " accepts tokens over HTTPS only: use an https:// URL")));
    String ruleId = node.requiredString("rule_id", "dcr-00000000000000000000000000000000");
    String sloStream = node.string("slo_stream").orElse("Custom-FreightwatchSlo");
    String signalsStream = node.string("signals_stream").orElse("Custom-FreightwatchSignals");
    List<String> sloPrefixes = strings(node, "slo_prefixes", List.of("freightwatch_slo_"));
    List<String> signalPrefixes =
        strings(
            node,
            "signal_prefixes",
            List.of("freightwatch_odoo_", "freightwatch_traefik_service_"));
    Duration interval = node.positiveDuration("interval", Duration.ofMinutes(1));
    String clientId = node.string("managed_identity_client_id").orElse("");
    if (endpoint.isEmpty() || ruleId.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ExportConfig.AzureMonitor(
            endpoint.get(),
            ruleId,
            sloStream,
            signalsStream,
            sloPrefixes,
            signalPrefixes,
            interval,
            clientId));
  }

  private static List<String> strings(YamlNode node, String key, List<String> fallback) {
    if (node.get(key).isEmpty()) {
      return fallback;
    }
    List<String> values = new ArrayList<>();
    for (YamlNode item : node.list(key)) {
      item.asString().ifPresent(values::add);
    }
    return values;
  }

  private static Optional<URI> httpUri(YamlNode node, String key, String example) {
    String text = node.requiredString(key, example);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    YamlNode valueNode = node.get(key).orElse(node);
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        valueNode.problem(
            "got \"" + text + "\"; expected an http:// or https:// URL, e.g. " + example);
        return Optional.empty();
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      valueNode.problem(
          "got \"" + text + "\"; not a valid URL (" + e.getReason() + "), e.g. " + example);
      return Optional.empty();
    }
  }
}
