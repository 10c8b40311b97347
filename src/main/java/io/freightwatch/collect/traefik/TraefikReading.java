package io.freightwatch.collect.traefik;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The series of one Traefik scrape that the signals use, with Traefik v2 and v3 names resolved by
 * what the scrape contains rather than by a configured version.
 *
 * @param processStartTimeSeconds {@code process_start_time_seconds}, which reveals restarts
 * @param requests every {@code traefik_service_requests_total} series that has a service label
 * @param durationBuckets every {@code traefik_service_request_duration_seconds_bucket} series that
 *     has a service label, websocket requests included
 * @param openConnections open connections per entry point, empty when the scrape has neither the v3
 *     nor the v2 family
 */
record TraefikReading(
    OptionalDouble processStartTimeSeconds,
    List<RequestCounter> requests,
    List<BucketCounter> durationBuckets,
    Optional<Map<String, Double>> openConnections) {

  static final String PROCESS_START_TIME = "process_start_time_seconds";
  static final String SERVICE_REQUESTS = "traefik_service_requests_total";
  static final String SERVICE_DURATION_BUCKETS = "traefik_service_request_duration_seconds_bucket";

  /** Traefik v3: TCP connections per entry point, with {@code protocol="TCP"}. */
  static final String OPEN_CONNECTIONS_V3 = "traefik_open_connections";

  /** Traefik v2: in-flight HTTP requests per entry point, method and protocol, removed in v3. */
  static final String OPEN_CONNECTIONS_V2 = "traefik_entrypoint_open_connections";

  TraefikReading {
    requests = List.copyOf(requests);
    durationBuckets = List.copyOf(durationBuckets);
    openConnections = openConnections.map(Map::copyOf);
  }

  /** Picks the series the signals need out of a parsed scrape. */
  static TraefikReading from(Exposition exposition) {
    // NOTE: backend health (traefik_service_server_up) is not read, because the signal catalogue
    // names no signal for it. In v3 its service label is a hash, so a health signal would have to
    // name the application through the url label and a backend inventory the target lacks.
    return new TraefikReading(
        processStartTime(exposition),
        requests(exposition),
        durationBuckets(exposition),
        openConnections(exposition));
  }

  private static OptionalDouble processStartTime(Exposition exposition) {
    for (ParsedSample sample : exposition.samples(PROCESS_START_TIME)) {
      if (sample.labels().size() == 0 && Double.isFinite(sample.value())) {
        return OptionalDouble.of(sample.value());
      }
    }
    return OptionalDouble.empty();
  }

  private static List<RequestCounter> requests(Exposition exposition) {
    List<RequestCounter> result = new ArrayList<>();
    for (ParsedSample sample : exposition.samples(SERVICE_REQUESTS)) {
      String service = sample.labels().get("service");
      if (!service.isEmpty()) {
        boolean isError =
            isServerError(sample.labels().get("code"), sample.labels().get("protocol"));
        result.add(new RequestCounter(sample.id(), service, isError, sample.value()));
      }
    }
    return result;
  }

  private static List<BucketCounter> durationBuckets(Exposition exposition) {
    List<BucketCounter> result = new ArrayList<>();
    for (ParsedSample sample : exposition.samples(SERVICE_DURATION_BUCKETS)) {
      LabelSet labels = sample.labels();
      String service = labels.get("service");
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
      result.add(new BucketCounter(id, service, series, bound, isWebsocket, sample.value()));
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

  /** One {@code traefik_service_requests_total} series. */
  record RequestCounter(SeriesId id, String service, boolean isServerError, double value) {}

  /**
   * One bucket series of {@code traefik_service_request_duration_seconds}.
   *
   * @param id counter identity, with {@code le} in canonical spelling
   * @param series labels without {@code le}, shared by the buckets of one histogram
   * @param upperBound {@code le} as a number
   */
  record BucketCounter(
      SeriesId id,
      String service,
      LabelSet series,
      double upperBound,
      boolean isWebsocket,
      double value) {}
}
