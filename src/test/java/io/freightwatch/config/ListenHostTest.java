package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListenHostTest {

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "255.255.255.255", "10.0.0.10", "localhost",
      "agent-1.monitoring.svc.cluster.local", "freightwatch.", "a", "1host", "host.example1"})
  void acceptsAddressesAndHostNames(String host) {
    assertThat(ListenHost.problem(host, false)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"::", "::1", "fe80::1", "2001:db8::8a2e:370:7334",
      "1:2:3:4:5:6:7:8", "::ffff:192.0.2.1", "1::", "fe80::1%eth0"})
  void acceptsBracketedIpv6(String host) {
    assertThat(ListenHost.problem(host, true)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"999.1.1.1", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3"})
  void rejectsInvalidIpv4(String host) {
    assertThat(ListenHost.problem(host, false)).hasValue(host
        + " is not a valid IPv4 address: it needs 4 numbers from 0 to 255, without leading"
        + " zeros");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1", "g::1",
      ":1", "1:2:3:4:5:6:7::8", "1.2.3.4::1", "::1.2.3.999", "fe80::1%", ""})
  void rejectsInvalidIpv6(String host) {
    assertThat(ListenHost.problem(host, true))
        .hasValue("[" + host + "] is not a valid IPv6 address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-agent", "agent-", "under_score", "two..dots", "sp ace", "x.123"})
  void rejectsInvalidHostNames(String host) {
    assertThat(ListenHost.problem(host, false)).isPresent()
        .hasValueSatisfying(problem -> assertThat(problem)
            .startsWith("\"" + host + "\" is not a valid host name"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"::1", "fe80::1"})
  void rejectsIpv6WithoutBrackets(String host) {
    assertThat(ListenHost.problem(host, false)).hasValue(host
        + " looks like an IPv6 address, which must be written in brackets, e.g. [::1]:9187");
  }

  @Test
  void rejectsOverlongHostName() {
    String host = ("a".repeat(63) + ".").repeat(4) + "b";

    assertThat(ListenHost.problem(host, false)).hasValue("\"" + host
        + "\" is not a valid host name: it must have 1 to 253 characters");
  }
}
