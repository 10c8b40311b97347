package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.OdooSignals;
import io.freightwatch.store.Sample;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The mail section against mail_mail tables built from the Odoo 17 reference schema. */
class MailSectionIT {

  @RegisterExtension
  static final TenantScrapes scrapes = new TenantScrapes();

  @Test
  void countsMailsPerStateWithZeros() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_mail_states");
    OdooFixture fixture = mailTenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    fixture.mail("outgoing", now.minusMinutes(10), null);
    fixture.mail("outgoing", now.minusMinutes(5), now.plusHours(1));
    fixture.mail("exception", now.minusHours(2), null);
    fixture.mail("exception", now.minusHours(1), null);
    fixture.mail("exception", now.minusHours(1), null);
    fixture.mail("x_archived", now.minusDays(9), null);

    List<Sample> samples = scrapes.scrape(scrapes.collector(database, OdooSignals.DEFAULT));

    assertThat(TenantScrapes.values(samples, MailSection.MESSAGES))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "{state=\"outgoing\"}", 2.0,
                "{state=\"sent\"}", 0.0,
                "{state=\"received\"}", 0.0,
                "{state=\"exception\"}", 3.0,
                "{state=\"cancel\"}", 0.0,
                "{state=\"x_archived\"}", 1.0));
    assertThat(TenantScrapes.values(samples, MailSection.OUTGOING_DUE))
        .containsExactlyEntriesOf(Map.of("{}", 1.0));
  }

  @Test
  void oldestDueMailAgeCountsFromSchedule() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_mail_age");
    OdooFixture fixture = mailTenant(database);
    LocalDateTime now = fixture.serverUtcNow();
    fixture.mail("outgoing", now.minusHours(3), now.minusMinutes(20));
    fixture.mail("outgoing", now.minusMinutes(12), null);
    fixture.mail("outgoing", now.minusDays(1), now.plusMinutes(30));
    fixture.mail("exception", now.minusDays(2), null);

    List<Sample> samples = scrapes.scrape(scrapes.collector(database, OdooSignals.DEFAULT));

    assertThat(TenantScrapes.values(samples, MailSection.OLDEST_DUE_AGE).get("{}"))
        .as("scheduled 20 minutes ago; the mail queued a day ago is not due yet")
        .isBetween(1200.0, 1200.0 + 60);
  }

  @Test
  void emptyQueueHasNoOldestAge() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_mail_empty");
    mailTenant(database);

    List<Sample> samples = scrapes.scrape(scrapes.collector(database, OdooSignals.DEFAULT));

    assertThat(TenantScrapes.values(samples, MailSection.OLDEST_DUE_AGE)).isEmpty();
    assertThat(TenantScrapes.values(samples, MailSection.MESSAGES)).hasSize(5);
  }

  @Test
  void tenantWithoutMailModuleEmitsNoMail() throws Exception {
    String database = scrapes.server.createOdooDatabase("business_mail_none");
    OdooFixture fixture =
        new OdooFixture(scrapes.server, database).module("base", "installed", "17.0.1.3");
    fixture.mail("exception", fixture.serverUtcNow(), null);

    List<Sample> samples = scrapes.scrape(scrapes.collector(database, OdooSignals.DEFAULT));

    assertThat(TenantScrapes.values(samples, MailSection.MESSAGES)).isEmpty();
  }

  private static OdooFixture mailTenant(String database) throws Exception {
    return new OdooFixture(scrapes.server, database)
        .module("base", "installed", "17.0.1.3")
        .module("mail", "installed", "17.0.1.15");
  }
}
