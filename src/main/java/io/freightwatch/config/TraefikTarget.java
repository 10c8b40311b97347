package io.freightwatch.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One Traefik instance's Prometheus endpoint.
 *
 * @param name unique target name, used as the {@code instance} label
 * @param url full URL of the metrics endpoint, for example {@code http://traefik:8080/metrics}
 * @param interval time between scrapes
 * @param window span over which rates, error ratios and latency quantiles are computed
 * @param timeout limit of one HTTP request
 * @param services rules that add labels (such as {@code tenant} and {@code app}) to a service from
 *     its name; the first pattern that matches wins
 */
public record TraefikTarget(
    String name,
    URI url,
    Duration interval,
    Duration window,
    Duration timeout,
    List<ServiceLabels> services) {

  public TraefikTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(timeout, "timeout");
    services = List.copyOf(services);
  }

  /**
   * Labels derived from a Traefik service name.
   *
   * @param pattern regular expression matched against the whole service name, such as {@code
   *     odoo-acme-web@kubernetes}; each named group becomes a label of the same name
   * @param labels fixed labels added when the pattern matches
   */
  public record ServiceLabels(Pattern pattern, Map<String, String> labels) {
    public ServiceLabels {
      Objects.requireNonNull(pattern, "pattern");
      labels = Map.copyOf(labels);
    }
  }
}
