package io.freightwatch.slo;

import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SloSpec;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.store.LabelMatcher;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SLO specs shared by the SLO tests. */
public final class SloFixtures {

  public static final String REQUESTS = "freightwatch_traefik_service_requests_total";

  private SloFixtures() {}

  /** An availability SLO over Traefik's request counters of one service, 30 days. */
  public static SloSpec availability(String name, double objective, double minEvents,
      List<SloSpec.BurnTier> tiers, Map<String, String> labels) {
    SloSpec.Selector bad = new SloSpec.Selector(REQUESTS, List.of(
        LabelMatcher.equal("service", "edi-gateway@file"), LabelMatcher.parse("code", "=~5..")));
    SloSpec.Selector total = new SloSpec.Selector(REQUESTS,
        List.of(LabelMatcher.equal("service", "edi-gateway@file")));
    return new SloSpec(name, "slos.yaml:1", labels, objective,
        new SloSpec.Window(Duration.ofDays(30), false, ZoneOffset.UTC),
        new SloSpec.EventRatio(bad, Optional.empty(), total, true,
            Optional.of("process_start_time_seconds")),
        minEvents, tiers,
        new RuleSpec.Impact(RuleSpec.Domain.INTEGRATIONS, "EDI order intake",
            SummaryTemplate.parse(""), RuleSpec.Severity.CRITICAL, "order-integrations",
            "runbooks/slo_error_budget_burn.md", "", true));
  }

  /** One tier over the given windows, for tests that read a burn rate over a span. */
  public static SloSpec.BurnTier tier(Duration longWindow, Duration shortWindow) {
    return new SloSpec.BurnTier("page", RuleSpec.Severity.CRITICAL, 14.4, longWindow,
        shortWindow);
  }
}
