package io.freightwatch.collect.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyspaceHitRatioTest {

  @Test
  void firstScrapeHasNoRatio() {
    KeyspaceHitRatio ratio = new KeyspaceHitRatio();

    assertThat(ratio.update("run-a", 900, 100)).isEmpty();
  }

  @Test
  void ratioUsesIncreasesOnly() {
    KeyspaceHitRatio ratio = new KeyspaceHitRatio();
    ratio.update("run-a", 900, 100);

    assertThat(ratio.update("run-a", 903, 101)).hasValue(0.75);
  }

  @Test
  void noLookupsHasNoRatio() {
    KeyspaceHitRatio ratio = new KeyspaceHitRatio();
    ratio.update("run-a", 900, 100);

    assertThat(ratio.update("run-a", 900, 100)).isEmpty();
  }

  @Test
  void restartStartsNewInterval() {
    KeyspaceHitRatio ratio = new KeyspaceHitRatio();
    ratio.update("run-a", 900, 100);

    assertThat(ratio.update("run-b", 950, 150)).isEmpty();
    assertThat(ratio.update("run-b", 960, 150)).hasValue(1.0);
  }

  @Test
  void counterDecreaseHasNoRatio() {
    KeyspaceHitRatio ratio = new KeyspaceHitRatio();
    ratio.update("", 900, 100);

    assertThat(ratio.update("", 10, 5)).isEmpty();
    assertThat(ratio.update("", 10, 15)).hasValue(0.0);
  }
}
