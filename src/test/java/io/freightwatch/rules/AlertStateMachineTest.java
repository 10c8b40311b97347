package io.freightwatch.rules;

import static io.freightwatch.rules.AlertStateMachine.Observation.CLEAR;
import static io.freightwatch.rules.AlertStateMachine.Observation.HOLDS;
import static io.freightwatch.rules.AlertStateMachine.Observation.UNKNOWN;
import static io.freightwatch.rules.AlertStateMachine.Transition;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertStateMachineTest {

  private static final Instant T0 = Instant.parse("2026-03-10T14:00:00Z");

  @Test
  void firesAfterForDuration() {
    AlertStateMachine machine = new AlertStateMachine(Duration.ofMinutes(2));

    assertThat(machine.observe(HOLDS, T0)).isEqualTo(Transition.STARTED_PENDING);
    assertThat(machine.state()).contains(AlertState.PENDING);
    assertThat(machine.observe(HOLDS, T0.plusSeconds(119))).isEqualTo(Transition.NONE);
    assertThat(machine.state()).contains(AlertState.PENDING);
    assertThat(machine.observe(HOLDS, T0.plusSeconds(120))).isEqualTo(Transition.FIRED);
    assertThat(machine.state()).contains(AlertState.FIRING);
    assertThat(machine.activeSince()).isEqualTo(T0);
    assertThat(machine.firingSince()).contains(T0.plusSeconds(120));
  }

  @Test
  void firesAtOnceWithoutFor() {
    AlertStateMachine machine = new AlertStateMachine(Duration.ZERO);

    assertThat(machine.observe(HOLDS, T0)).isEqualTo(Transition.FIRED);
    assertThat(machine.state()).contains(AlertState.FIRING);
  }

  @Test
  void pendingClearsWithoutNotification() {
    AlertStateMachine machine = new AlertStateMachine(Duration.ofMinutes(5));
    machine.observe(HOLDS, T0);

    assertThat(machine.observe(CLEAR, T0.plusSeconds(60))).isEqualTo(Transition.CANCELLED);
    assertThat(machine.state()).isEmpty();
  }

  @Test
  void firingResolvesWhenConditionClears() {
    AlertStateMachine machine = new AlertStateMachine(Duration.ZERO);
    machine.observe(HOLDS, T0);

    assertThat(machine.observe(CLEAR, T0.plusSeconds(30))).isEqualTo(Transition.RESOLVED);
    assertThat(machine.state()).contains(AlertState.RESOLVED);
    assertThat(machine.resolvedAt()).contains(T0.plusSeconds(30));
    assertThat(machine.observe(CLEAR, T0.plusSeconds(60))).isEqualTo(Transition.NONE);
  }

  @Test
  void unknownHoldsEveryState() {
    AlertStateMachine firing = new AlertStateMachine(Duration.ZERO);
    firing.observe(HOLDS, T0);
    assertThat(firing.observe(UNKNOWN, T0.plusSeconds(600))).isEqualTo(Transition.NONE);
    assertThat(firing.state()).contains(AlertState.FIRING);

    AlertStateMachine pending = new AlertStateMachine(Duration.ofMinutes(1));
    pending.observe(HOLDS, T0);
    assertThat(pending.observe(UNKNOWN, T0.plusSeconds(600))).isEqualTo(Transition.NONE);
    assertThat(pending.state()).contains(AlertState.PENDING);

    AlertStateMachine inactive = new AlertStateMachine(Duration.ZERO);
    assertThat(inactive.observe(UNKNOWN, T0)).isEqualTo(Transition.NONE);
    assertThat(inactive.state()).isEmpty();
  }

  @Test
  void pendingSurvivesUnknownThenFires() {
    AlertStateMachine machine = new AlertStateMachine(Duration.ofMinutes(1));
    machine.observe(HOLDS, T0);
    machine.observe(UNKNOWN, T0.plusSeconds(30));

    assertThat(machine.observe(HOLDS, T0.plusSeconds(60))).isEqualTo(Transition.FIRED);
  }

  @Test
  void resolvedAlertStartsNewEpisode() {
    AlertStateMachine machine = new AlertStateMachine(Duration.ofSeconds(30));
    machine.observe(HOLDS, T0);
    machine.observe(HOLDS, T0.plusSeconds(30));
    machine.observe(CLEAR, T0.plusSeconds(60));

    assertThat(machine.observe(HOLDS, T0.plusSeconds(90))).isEqualTo(Transition.STARTED_PENDING);
    assertThat(machine.activeSince()).isEqualTo(T0.plusSeconds(90));
    assertThat(machine.firingSince()).isEmpty();
    assertThat(machine.resolvedAt()).isEmpty();
    assertThat(machine.observe(HOLDS, T0.plusSeconds(120))).isEqualTo(Transition.FIRED);
  }
}
