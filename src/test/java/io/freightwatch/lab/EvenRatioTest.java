package io.freightwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EvenRatioTest {

  @Test
  void picksExactShareOfEvents() {
    EvenRatio ratio = new EvenRatio();
    int picked = 0;
    for (int call = 1; call <= 1000; call++) {
      if (ratio.next(0.3)) {
        picked++;
      }
      assertThat(picked).isEqualTo((int) Math.floor(call * 0.3 + 1e-9));
    }
  }

  @Test
  void zeroRatioNeverPicks() {
    EvenRatio ratio = new EvenRatio();
    for (int call = 0; call < 100; call++) {
      assertThat(ratio.next(0.0)).isFalse();
    }
  }

  @Test
  void newRatioRestartsCount() {
    EvenRatio ratio = new EvenRatio();
    for (int call = 0; call < 10; call++) {
      ratio.next(1.0);
    }
    int picked = 0;
    for (int call = 0; call < 10; call++) {
      if (ratio.next(0.5)) {
        picked++;
      }
    }
    assertThat(picked).isEqualTo(5);
  }
}
