package io.freightwatch.collect.traefik;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The series of one Traefik scrape that the signals use, with Traefik v2 and v3 names resolved by
 * what the scrape contains rather than by a configured version. A family the scrape lacks is
 * empty, never zero: router families exist only with {@code addRoutersLabels}, backend health only
 * for services with a health check, and reload failures only in v2.
 *
 * @param processStartTimeSeconds {@code process_start_time_seconds}, which reveals restarts
 * @param requests every request counter of entry points, routers and services that names its
 *     subject
 * @param durationBuckets every request duration bucket of entry points, routers and services that
 *     names its subject, websocket requests included
 * @param durationSums every request duration sum ({@code _sum}) of entry points, routers and
 *     services that names its subject, websocket requests included
 * @param openConnections open connections per entry point, empty when the scrape has neither the v3
 *     nor the v2 family
 * @param serversUp every {@code traefik_service_server_up} series, empty when the family is absent
 * @param certificates every {@code traefik_tls_certs_not_after} series
 * @param reloads the configuration reload series
 */
record TraefikReading(
    OptionalDouble processStartTimeSeconds,
    List<RequestCounter> requests,
    List<BucketCounter> durationBuckets,
    List<SumCounter> durationSums,
    Optional<Map<String, Double>> openConnections,
    Optional<List<ServerUp>> serversUp,
    List<Certificate> certificates,
    Reloads reloads) {

  static final String PROCESS_START_TIME = "process_start_time_seconds";

  /** Traefik v3: TCP connections per entry point, with {@code protocol="TCP"}. */
  static final String OPEN_CONNECTIONS_V3 = "traefik_open_connections";

  /** Traefik v2: in-flight HTTP requests per entry point, method and protocol, removed in v3. */
  static final String OPEN_CONNECTIONS_V2 = "traefik_entrypoint_open_connections";

  static final String SERVER_UP = "traefik_service_server_up";
  static final String CERTS_NOT_AFTER = "traefik_tls_certs_not_after";
  static final String RELOADS = "traefik_config_reloads_total";
  static final String RELOAD_FAILURES_V2 = "traefik_config_reloads_failure_total";
  static final String LAST_RELOAD_SUCCESS = "traefik_config_last_reload_success";
  static final String LAST_RELOAD_FAILURE_V2 = "traefik_config_last_reload_failure";

  TraefikReading {
    requests = List.copyOf(requests);
    durationBuckets = List.copyOf(durationBuckets);
    durationSums = List.copyOf(durationSums);
    openConnections = openConnections.map(Map::copyOf);
    serversUp = serversUp.map(List::copyOf);
    certificates = List.copyOf(certificates);
  }

  /** Picks the series the signals need out of a parsed scrape. */
  static TraefikReading from(Exposition exposition) {
    List<RequestCounter> requests = new ArrayList<>();
    List<BucketCounter> buckets = new ArrayList<>();
    List<SumCounter> sums = new ArrayList<>();
    for (Subject.Scope scope : Subject.Scope.values()) {
      requests.addAll(requests(exposition, scope));
      buckets.addAll(durationBuckets(exposition, scope));
      sums.addAll(durationSums(exposition, scope));
    }
    return new TraefikReading(
        processStartTime(exposition),
        requests,
        buckets,
        sums,
        openConnections(exposition),
        serversUp(exposition),
        certificates(exposition),
        reloads(exposition));
  }

  private static Optional<List<ServerUp>> serversUp(Exposition exposition) {
    List<ParsedSample> samples = exposition.samples(SERVER_UP);
    if (samples.isEmpty()) {
      return Optional.empty();
    }
    List<ServerUp> servers = new ArrayList<>();
    for (ParsedSample sample : samples) {
      String url = sample.labels().get("url");
      if (!url.isEmpty() && Double.isFinite(sample.value())) {
        servers.add(new ServerUp(sample.labels().get("service"), url, sample.value() >= 1));
      }
    }
    return Optional.of(servers);
  }

  private static List<Certificate> certificates(Exposition exposition) {
    List<Certificate> certificates = new ArrayList<>();
    for (ParsedSample sample : exposition.samples(CERTS_NOT_AFTER)) {
      if (Double.isFinite(sample.value())) {
        certificates.add(new Certificate(sample.labels().get("cn"), sample.labels().get("sans"),
            sample.value()));
      }
    }
    return certificates;
  }

  private static Reloads reloads(Exposition exposition) {
    return new Reloads(
        unlabelled(exposition, RELOADS),
        unlabelled(exposition, RELOAD_FAILURES_V2),
        unlabelled(exposition, LAST_RELOAD_SUCCESS),
        unlabelled(exposition, LAST_RELOAD_FAILURE_V2));
  }

  private static OptionalDouble unlabelled(Exposition exposition, String name) {
    for (ParsedSample sample : exposition.samples(name)) {
      if (Double.isFinite(sample.value())) {
        return OptionalDouble.of(sample.value());
      }
    }
    return OptionalDouble.empty();
  }

  private static OptionalDouble processStartTime(Exposition exposition) {
    for (ParsedSample sample : exposition.samples(PROCESS_START_TIME)) {
      if (sample.labels().size() == 0 && Double.isFinite(sample.value())) {
        return OptionalDouble.of(sample.value());
      }
    }
    return OptionalDouble.empty();
  }

  private static List<RequestCounter> requests(Exposition exposition, Subject.Scope scope) {
    List<RequestCounter> result = new ArrayList<>();
    for (ParsedSample sample : exposition.samples(scope.requestsFamily())) {
      String name = sample.labels().get(scope.label());
      if (!name.isEmpty()) {
        String code = sample.labels().get("code");
        String protocol = sample.labels().get("protocol");
        result.add(new RequestCounter(sample.id(), new Subject(scope, name),
            isServerError(code, protocol), codeClass(code, protocol), sample.value()));
      }
    }
    return result;
  }

  private static List<BucketCounter> durationBuckets(Exposition exposition, Subject.Scope scope) {
    List<BucketCounter> result = new ArrayList<>();
    for (ParsedSample sample : exposition.samples(scope.bucketsFamily())) {
      LabelSet labels = sample.labels();
      String service = labels.get(scope.label());
      String le = labels.get("le");
      if (service.isEmpty() || le.isEmpty()) {
        continue;
      }
      double bound;
      try {
        bound = ExpositionNumbers.parseFloat(le, 0, le.length());
      } catch (NumberFormatException e) {
        // The parser checks le only in families typed as histograms. A bucket of an untyped
        // family with a broken bound fits no bucket and is skipped.
        continue;
      }
      LabelSet series = labels.without("le");
      // The counter identity uses the bound as a number, so a target that changes its spelling
      // of le (5 versus 5.0) between scrapes keeps the same series.
      SeriesId id =
          new SeriesId(sample.name(), series.with("le", ExpositionNumbers.canonicalBound(bound)));
      boolean isWebsocket = labels.get("protocol").equals("websocket");
      result.add(new BucketCounter(id, new Subject(scope, service), series, bound, isWebsocket,
          sample.value()));
    }
    return result;
  }

  private static List<SumCounter> durationSums(Exposition exposition, Subject.Scope scope) {
    List<SumCounter> result = new ArrayList<>();
    for (ParsedSample sample : exposition.samples(scope.durationSumFamily())) {
      String name = sample.labels().get(scope.label());
      if (!name.isEmpty()) {
        boolean isWebsocket = sample.labels().get("protocol").equals("websocket");
        result.add(new SumCounter(sample.id(), new Subject(scope, name), isWebsocket,
            sample.value()));
      }
    }
    return result;
  }

  /**
   * Sums open connections per entry point. Traefik v3 exposes {@code traefik_open_connections} (TCP
   * connections). Traefik v2 exposes {@code traefik_entrypoint_open_connections} split by method
   * and protocol, which is summed over both. When a scrape has both, the v3 family wins.
   */
  private static Optional<Map<String, Double>> openConnections(Exposition exposition) {
    List<ParsedSample> samples = exposition.samples(OPEN_CONNECTIONS_V3);
    if (samples.isEmpty()) {
      samples = exposition.samples(OPEN_CONNECTIONS_V2);
    }
    if (samples.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Double> byEntrypoint = new TreeMap<>();
    for (ParsedSample sample : samples) {
      String entrypoint = sample.labels().get("entrypoint");
      if (!entrypoint.isEmpty() && Double.isFinite(sample.value())) {
        byEntrypoint.merge(entrypoint, sample.value(), Double::sum);
      }
    }
    return Optional.of(byEntrypoint);
  }

  /**
   * Returns true for a server-side failure. For HTTP that is a 5xx status. Traefik v3 writes the
   * gRPC status into {@code code} for {@code grpc} and {@code grpc-web} requests. There the
   * statuses that gRPC gateways map to 5xx count as server errors: 2 Unknown, 4 DeadlineExceeded,
   * 12 Unimplemented, 13 Internal, 14 Unavailable and 15 DataLoss.
   */
  static boolean isServerError(String code, String protocol) {
    if (protocol.equals("grpc") || protocol.equals("grpc-web")) {
      return switch (code) {
        case "2", "4", "12", "13", "14", "15" -> true;
        default -> false;
      };
    }
    return code.length() == 3 && code.charAt(0) == '5';
  }

  /**
   * Returns the class of an HTTP status, such as {@code 2xx} or {@code 5xx}, or empty for gRPC
   * statuses and codes that are no HTTP status.
   */
  static String codeClass(String code, String protocol) {
    if (protocol.equals("grpc") || protocol.equals("grpc-web") || code.length() != 3) {
      return "";
    }
    char first = code.charAt(0);
    return first >= '1' && first <= '5' ? first + "xx" : "";
  }

  /**
   * One request counter of an entry point, router or service.
   *
   * @param codeClass class of its HTTP status, empty for gRPC statuses
   */
  record RequestCounter(
      SeriesId id, Subject subject, boolean isServerError, String codeClass, double value) {}

  /**
   * One backend server of a service with a health check.
   *
   * @param service the {@code service} label: {@code name@provider}, or in Traefik v3 a 16-digit
   *     hexadecimal hash
   */
  record ServerUp(String service, String url, boolean up) {}

  /**
   * One certificate known to Traefik's TLS manager.
   *
   * @param notAfterSeconds its expiry as Unix seconds
   */
  record Certificate(String commonName, String sans, double notAfterSeconds) {}

  /**
   * Configuration reload series; each is empty when the target lacks it.
   *
   * @param failures {@code traefik_config_reloads_failure_total}, Traefik v2 only
   * @param lastSuccessSeconds Unix time of the last successful reload
   * @param lastFailureSeconds Unix time of the last failed reload, Traefik v2 only
   */
  record Reloads(
      OptionalDouble reloads,
      OptionalDouble failures,
      OptionalDouble lastSuccessSeconds,
      OptionalDouble lastFailureSeconds) {}

  /**
   * One bucket series of a request duration histogram.
   *
   * @param id counter identity, with {@code le} in canonical spelling
   * @param series labels without {@code le}, shared by the buckets of one histogram
   * @param upperBound {@code le} as a number
   */
  record BucketCounter(
      SeriesId id,
      Subject subject,
      LabelSet series,
      double upperBound,
      boolean isWebsocket,
      double value) {}

  /** One request duration sum series, in seconds. */
  record SumCounter(SeriesId id, Subject subject, boolean isWebsocket, double value) {}
}
