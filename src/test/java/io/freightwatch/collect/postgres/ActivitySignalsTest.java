package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.postgres.ActivityQuery.Activity;
import io.freightwatch.collect.postgres.ActivityQuery.Session;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActivitySignalsTest {

  private static final Labels SERVER = Labels.of("cluster", "eu1", "instance", "db-1");
  private static final Labels ACME = SERVER.with("database", "odoo_acme");

  @Test
  void limitSubtractsBothReservations() {
    List<Sample> out = samples(new Activity(200, 3, 10, List.of(idle(1), idle(2))));

    assertThat(find(out, ActivitySignals.CONNECTIONS_LIMIT, SERVER)).contains(187.0);
    assertThat(find(out, ActivitySignals.CONNECTIONS_USED_RATIO, SERVER)).contains(2.0 / 187);
    assertThat(find(out, ActivitySignals.CONNECTIONS, ACME.with("state", "idle"))).contains(2.0);
  }

  @Test
  void longestTransactionsPerDatabase() {
    Session cron = new Session(7, "odoo_acme", "odoo-4101", "idle in transaction", 900.0, 880.0,
        false, List.of(), "SELECT * FROM ir_cron WHERE id = 4 FOR NO KEY UPDATE SKIP LOCKED");
    Session report = new Session(8, "odoo_acme", "odoo-4102", "active", 1200.0, 3.0, false,
        List.of(), "SELECT sum(amount) FROM account_move_line WHERE partner_id = 77");

    List<Sample> out = samples(new Activity(100, 3, 0, List.of(cron, report, idle(9))));

    assertThat(find(out, ActivitySignals.LONGEST_TRANSACTION, ACME)).contains(1200.0);
    assertThat(find(out, ActivitySignals.LONGEST_IDLE_IN_TRANSACTION, ACME)).contains(880.0);
    assertThat(out).filteredOn(s -> s.name().equals(ActivitySignals.SESSION_INFO))
        .extracting(s -> s.labels().get("reason") + ": " + s.labels().get("query"))
        .containsExactlyInAnyOrder(
            "longest_transaction: SELECT sum(amount) FROM account_move_line WHERE partner_id = ?",
            "longest_idle_in_transaction: SELECT * FROM ir_cron WHERE id = ? FOR NO KEY UPDATE"
                + " SKIP LOCKED");
  }

  @Test
  void noOpenTransactionReportsZero() {
    List<Sample> out = samples(new Activity(100, 3, 0, List.of(idle(1))));

    assertThat(find(out, ActivitySignals.LONGEST_TRANSACTION, ACME)).contains(0.0);
    assertThat(find(out, ActivitySignals.LOCK_WAITING, ACME)).contains(0.0);
  }

  @Test
  void countsSessionsPerBlocker() {
    Session holder = new Session(10, "odoo_acme", "odoo-1", "idle in transaction", 60.0, 59.0,
        false, List.of(), "UPDATE stock_picking SET state = 'done' WHERE id = 5");
    Session first = new Session(11, "odoo_acme", "odoo-2", "active", 30.0, 30.0, true,
        List.of(10), "UPDATE stock_picking SET state = 'assigned' WHERE id = 5");
    Session second = new Session(12, "odoo_acme", "odoo-3", "active", 20.0, 20.0, true,
        List.of(10, 11), null);

    List<Sample> out = samples(new Activity(100, 3, 0, List.of(holder, first, second)));

    assertThat(find(out, ActivitySignals.LOCK_WAITING, ACME)).contains(2.0);
    assertThat(find(out, ActivitySignals.LOCK_BLOCKED_BY, ACME.with("blocker_pid", "10")
        .with("blocker_application_name", "odoo-1").with("blocker_state",
            "idle in transaction"))).contains(2.0);
    assertThat(out).allSatisfy(s -> assertThat(s.labels().toString()).doesNotContain("'done'"));
  }

  private static Session idle(int pid) {
    return new Session(pid, "odoo_acme", "odoo-" + pid, "idle", null, 10.0, false, List.of(),
        null);
  }

  private static List<Sample> samples(Activity activity) {
    List<Sample> out = new ArrayList<>();
    ActivitySignals.addSamples(SERVER, activity, out);
    return out;
  }

  private static Optional<Double> find(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(Sample::value)
        .findFirst();
  }
}
