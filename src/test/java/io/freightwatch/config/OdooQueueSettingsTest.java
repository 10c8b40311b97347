package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OdooQueueSettingsTest {

  private static final OdooQueueSettings SETTINGS =
      new OdooQueueSettings(
          Map.of("root", 5, "root.edi", 4),
          Duration.ofHours(1),
          Duration.ofMinutes(5),
          Map.of("root.edi", Duration.ofMinutes(15)),
          Map.of("root.edi.slow", Duration.ofMinutes(30)));

  @Test
  void childChannelInheritsParentLimit() {
    assertThat(SETTINGS.deadAfter("root.edi.orders", "started")).isEqualTo(Duration.ofMinutes(15));
    assertThat(SETTINGS.deadAfter("root.edi.orders.eu", "started"))
        .isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void unlistedChannelUsesDefault() {
    assertThat(SETTINGS.deadAfter("root.mail", "started")).isEqualTo(Duration.ofHours(1));
    assertThat(SETTINGS.deadAfter("root.edi", "enqueued")).isEqualTo(Duration.ofMinutes(5));
    assertThat(SETTINGS.deadAfter("", "enqueued")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void nameSharingPrefixIsNoChild() {
    assertThat(SETTINGS.deadAfter("root.edifact", "started")).isEqualTo(Duration.ofHours(1));
    assertThat(OdooQueueSettings.isWithin("root.edifact", "root.edi")).isFalse();
    assertThat(OdooQueueSettings.isWithin("root.edi.x", "root.edi")).isTrue();
  }

  @Test
  void capacityComesFromClosestConfiguredAncestor() {
    assertThat(SETTINGS.capacityChannel("root.edi.orders")).hasValue("root.edi");
    assertThat(SETTINGS.capacityChannel("root.mail")).hasValue("root");
    assertThat(SETTINGS.capacityChannel("other")).isEmpty();
  }

  @Test
  void rejectsStateThatHoldsNoSlot() {
    assertThatThrownBy(() -> SETTINGS.deadAfter("root", "pending"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("state: got \"pending\"; expected started or enqueued");
  }
}
