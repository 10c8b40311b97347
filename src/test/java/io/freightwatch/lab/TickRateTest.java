package io.freightwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TickRateTest {

  @Test
  void carriesFractionsBetweenTicks() {
    TickRate rate = new TickRate(0.5);
    int events = 0;
    for (int tick = 0; tick < 100; tick++) {
      events += rate.take(0.1);
    }
    assertThat(events).isEqualTo(5);
  }

  @Test
  void rejectsNegativeRate() {
    assertThatThrownBy(() -> new TickRate(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("perSecond: got -1.0; expected >= 0");
  }
}
