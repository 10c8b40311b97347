package io.freightwatch.collect.traefik;

import java.util.Objects;

/**
 * The subject of a Traefik request series: an entry point, a router or a service, by name.
 *
 * @param scope which of the three
 * @param name the {@code entrypoint}, {@code router} or {@code service} label value
 */
record Subject(Scope scope, String name) {

  Subject {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(name, "name");
  }

  /** The three levels at which Traefik counts requests, with their metric families. */
  enum Scope {
    ENTRYPOINT("entrypoint"),
    ROUTER("router"),
    SERVICE("service");

    private final String label;

    Scope(String label) {
      this.label = label;
    }

    /** Returns the label that names the subject, which is also the scope's metric prefix. */
    String label() {
      return label;
    }

    String requestsFamily() {
      return "traefik_" + label + "_requests_total";
    }

    String bucketsFamily() {
      return "traefik_" + label + "_request_duration_seconds_bucket";
    }

    String durationSumFamily() {
      return "traefik_" + label + "_request_duration_seconds_sum";
    }
  }
}
