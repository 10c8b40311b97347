package io.freightwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

  /** Jitter that always takes its largest value, the worst case for the maximum. */
  private final Backoff backoff =
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), bound -> bound - 1);

  @Test
  void addsJitterBelowTheMaximum() {
    assertThat(backoff.after(1, Optional.empty())).isEqualTo(Duration.ofMillis(1200));
  }

  @Test
  void neverWaitsLongerThanTheMaximum() {
    for (int failures = 2; failures <= 30; failures++) {
      assertThat(backoff.after(failures, Optional.empty()))
          .isEqualTo(Duration.ofMillis(1600));
    }
  }

  @Test
  void retryAfterWinsOverTheMaximum() {
    assertThat(backoff.after(3, Optional.of(Duration.ofSeconds(5))))
        .isEqualTo(Duration.ofSeconds(5));
  }
}
