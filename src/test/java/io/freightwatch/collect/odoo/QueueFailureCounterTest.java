package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueueFailureCounterTest {

  @Test
  void firstScrapeStartsAtZero() {
    QueueFailureCounter counter = new QueueFailureCounter();

    Map<String, Long> totals = counter.record(Set.of("root.edi"), Map.of("root.edi", 5L));

    assertThat(totals).containsExactly(Map.entry("root.edi", 0L));
  }

  @Test
  void increasesAddUp() {
    QueueFailureCounter counter = new QueueFailureCounter();
    counter.record(Set.of("root.edi"), Map.of("root.edi", 2L));

    counter.record(Set.of("root.edi"), Map.of("root.edi", 5L));
    Map<String, Long> totals = counter.record(Set.of("root.edi"), Map.of("root.edi", 6L));

    assertThat(totals).containsExactly(Map.entry("root.edi", 4L));
  }

  @Test
  void requeueAddsNothing() {
    QueueFailureCounter counter = new QueueFailureCounter();
    counter.record(Set.of("root.edi"), Map.of("root.edi", 2L));
    counter.record(Set.of("root.edi"), Map.of("root.edi", 5L));

    Map<String, Long> afterRequeue = counter.record(Set.of("root.edi"), Map.of("root.edi", 1L));
    Map<String, Long> afterNewFailure = counter.record(Set.of("root.edi"), Map.of("root.edi", 2L));

    assertThat(afterRequeue).containsExactly(Map.entry("root.edi", 3L));
    assertThat(afterNewFailure).containsExactly(Map.entry("root.edi", 4L));
  }

  @Test
  void vanishedChannelKeepsItsTotal() {
    QueueFailureCounter counter = new QueueFailureCounter();
    counter.record(Set.of("root.mail"), Map.of("root.mail", 0L));
    counter.record(Set.of("root.mail"), Map.of("root.mail", 3L));

    Map<String, Long> emptied = counter.record(Set.of(), Map.of());
    Map<String, Long> back = counter.record(Set.of("root.mail"), Map.of("root.mail", 2L));

    assertThat(emptied).containsExactly(Map.entry("root.mail", 3L));
    assertThat(back).containsExactly(Map.entry("root.mail", 5L));
  }

  @Test
  void channelWithoutFailuresStartsAtZero() {
    QueueFailureCounter counter = new QueueFailureCounter();
    counter.record(Set.of("root.edi"), Map.of("root.edi", 1L));

    Map<String, Long> totals =
        counter.record(Set.of("root.edi", "root"), Map.of("root.edi", 1L, "root", 0L));

    assertThat(totals).containsExactly(Map.entry("root", 0L), Map.entry("root.edi", 0L));
  }
}
