package io.freightwatch.collect.traefik;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.TraefikTarget;
import io.freightwatch.store.Labels;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ServiceLabelerTest {

  @Test
  void findsNamedGroupsOnly() {
    assertThat(ServiceLabeler.namedGroups("odoo-(?<tenant>[a-z]+)-(?<app2>\\w+)@(?:docker|file)"))
        .containsExactly("tenant", "app2");
    assertThat(ServiceLabeler.namedGroups("(?<=x)(?<!y)(?i)(plain)")).isEmpty();
    assertThat(ServiceLabeler.namedGroups("\\(?<fake>x\\)|[(?<alsoFake>]|\\Q(?<quoted>)\\E"))
        .isEmpty();
    assertThat(ServiceLabeler.namedGroups("[a[(?<nested>]]b(?<real>c)")).containsExactly("real");
  }

  @Test
  void skipsGroupsThatMatchedNothing() {
    ServiceLabeler labeler =
        labeler(
            new TraefikTarget.ServiceLabels(
                Pattern.compile("odoo-(?<tenant>[a-z]+)(?:-(?<app>[a-z]+))?@docker"), Map.of()));

    assertThat(labeler.labelsFor("odoo-acme@docker"))
        .isEqualTo(Labels.of("instance", "edge", "service", "odoo-acme@docker", "tenant", "acme"));
  }

  @Test
  void keepsInstanceAndServiceLabels() {
    ServiceLabeler labeler =
        labeler(
            new TraefikTarget.ServiceLabels(
                Pattern.compile("(?<service>.*)"), Map.of("instance", "other", "zone", "eu")));

    assertThat(labeler.labelsFor("api@internal"))
        .isEqualTo(Labels.of("instance", "edge", "service", "api@internal", "zone", "eu"));
  }

  private static ServiceLabeler labeler(TraefikTarget.ServiceLabels rule) {
    return new ServiceLabeler(
        new TraefikTarget(
            "edge",
            URI.create("http://127.0.0.1:8080/metrics"),
            Duration.ofSeconds(30),
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            List.of(rule)));
  }
}
