package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {

  @Test
  void parsesBothHexadecimalHalves() {
    Lsn lsn = Lsn.parse("2/1C4D7F30");

    assertThat(lsn.position()).isEqualTo(0x2_1C4D7F30L);
    assertThat(lsn).hasToString("2/1C4D7F30");
  }

  @Test
  void bytesSinceIsPositionDifference() {
    Lsn later = Lsn.parse("3/10");
    Lsn earlier = Lsn.parse("2/FFFFFFF0");

    assertThat(later.bytesSince(earlier)).isEqualTo(0x20);
    assertThat(earlier.bytesSince(later)).isEqualTo(-0x20);
  }

  @Test
  void comparesHighPositionsUnsigned() {
    Lsn highest = Lsn.parse("FFFFFFFF/FFFFFFFF");

    assertThat(highest.compareTo(Lsn.parse("0/1"))).isPositive();
  }

  @Test
  void rejectsTextWithoutSlash() {
    assertThatThrownBy(() -> Lsn.parse("1C4D7F30"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid pg_lsn: got '1C4D7F30'; expected two hexadecimal halves like 2/1C4D7F30");
  }

  @Test
  void rejectsNonHexadecimalHalf() {
    assertThatThrownBy(() -> Lsn.parse("2/XYZ"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid pg_lsn: got '2/XYZ'");
  }
}
