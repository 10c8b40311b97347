package io.freightwatch.bench;

/**
 * Synthetic Traefik scrapes in Prometheus text format 0.0.4, shaped like a real one: per service
 * and status code a request counter and a request duration histogram with Traefik's default
 * buckets (0.1, 0.3, 1.2, 5, +Inf) plus its sum and count.
 */
public final class TraefikScrapes {

  /** Series per service: 5 codes times (1 counter + 5 buckets + sum + count). */
  public static final int SERIES_PER_SERVICE = 40;

  private static final String[] CODES = {"200", "302", "404", "500", "502"};
  private static final String[] BOUNDS = {"0.1", "0.3", "1.2", "5", "+Inf"};

  private TraefikScrapes() {}

  /**
   * Returns a scrape of {@code services} services, {@code 40 * services} series in all, with every
   * counter advanced by {@code step} so that successive steps look like successive scrapes.
   */
  public static String services(int services, int step) {
    StringBuilder text = new StringBuilder(services * SERIES_PER_SERVICE * 140);
    text.append("# HELP traefik_service_requests_total How many HTTP requests processed.\n");
    text.append("# TYPE traefik_service_requests_total counter\n");
    for (int s = 0; s < services; s++) {
      for (int c = 0; c < CODES.length; c++) {
        text.append("traefik_service_requests_total{code=\"").append(CODES[c])
            .append("\",method=\"GET\",protocol=\"http\",service=\"odoo-t").append(s)
            .append("-web@kubernetes\"} ").append(count(s, c, step)).append('\n');
      }
    }
    text.append("# HELP traefik_service_request_duration_seconds How long requests took.\n");
    text.append("# TYPE traefik_service_request_duration_seconds histogram\n");
    for (int s = 0; s < services; s++) {
      for (int c = 0; c < CODES.length; c++) {
        String labels = "code=\"" + CODES[c] + "\",method=\"GET\",protocol=\"http\",service=\"odoo-t"
            + s + "-web@kubernetes\"";
        long total = count(s, c, step);
        for (int b = 0; b < BOUNDS.length; b++) {
          long cumulative = b == BOUNDS.length - 1 ? total : total * (b + 2) / (BOUNDS.length + 1);
          text.append("traefik_service_request_duration_seconds_bucket{").append(labels)
              .append(",le=\"").append(BOUNDS[b]).append("\"} ").append(cumulative).append('\n');
        }
        text.append("traefik_service_request_duration_seconds_sum{").append(labels).append("} ")
            .append(total * 0.137).append('\n');
        text.append("traefik_service_request_duration_seconds_count{").append(labels).append("} ")
            .append(total).append('\n');
      }
    }
    return text.toString();
  }

  private static long count(int service, int code, int step) {
    return 1_000_000L + service * 37L + code * 1_001L + step * (100L - code * 19);
  }
}
