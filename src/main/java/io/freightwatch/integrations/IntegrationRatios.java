package io.freightwatch.integrations;

import io.freightwatch.config.Durations;
import io.freightwatch.config.IntegrationsConfig;
import io.freightwatch.config.IntegrationsConfig.Integration;
import io.freightwatch.slo.CounterDeltas;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes each partner integration's failure ratio, per tenant where the source has one, over
 * the configured windows, from the call counters in the store: finished queue jobs, EDI exchanges
 * and errors, and Traefik router requests and server errors.
 *
 * <p>Counter increases are taken series by series before they are summed, with {@link
 * CounterDeltas}: the first value of a series on a process (tenant database or Traefik instance)
 * not seen before is a baseline, a series that appears later on a process whose target was scraped
 * successfully before counts from 0, and a drop is a reset whose new value is the increase. A
 * window without calls reports 0 calls and no ratio, never NaN.
 *
 * <p>Call {@link #update} on the agent's event loop after each scrape. It writes its series to the
 * store under the owner {@value #OWNER}. Not thread-safe.
 */
public final class IntegrationRatios {

  public static final String OWNER = "integrations";
  public static final String REQUESTS = "freightwatch_integration_requests";
  public static final String FAILURES = "freightwatch_integration_failures";
  public static final String FAILURE_RATIO = "freightwatch_integration_failure_ratio";
  public static final String MATCHED_SERIES = "freightwatch_integration_matched_series";

  /**
   * Minimum time between two updates. A whole update of 1,000 integration and tenant pairs took
   * about 40 ms on a shared 2-core machine (IntegrationRatiosBenchmark), too long to run after
   * each of hundreds of scrapes a minute. Skipping loses nothing, because the next update reads
   * every sample since the previous one.
   */
  static final Duration MIN_UPDATE_GAP = Duration.ofSeconds(5);

  /** Label sets kept per source in the match cache before it is emptied. */
  private static final int MATCH_CACHE_LIMIT = 50_000;

  private final IntegrationsConfig config;
  private final List<String> windowLabels;
  private final Map<CallSource, CounterDeltas> deltas = new EnumMap<>(CallSource.class);
  private final Map<CallSource, Map<Labels, Optional<Key>>> matchCache =
      new EnumMap<>(CallSource.class);
  // NOTE: the windows live in memory, so after an agent restart the 6-hour window covers only the
  // uptime. Keeping per-minute counts in the durable store, as the SLO engine does, would fix it.
  private final Map<Key, WindowCounts> counts = new HashMap<>();
  private final Map<Key, Labels[]> outputLabels = new HashMap<>();
  private Instant lastUpdate;

  public IntegrationRatios(IntegrationsConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.windowLabels = config.windows().stream().map(Durations::format).toList();
    for (CallSource source : CallSource.values()) {
      deltas.put(source, new CounterDeltas(source.processLabel()));
      matchCache.put(source, new HashMap<>());
    }
  }

  /**
   * Reads the call counters' samples newer than the previous update, adds their increases to the
   * windows and writes the integration series as of {@code now}. Does nothing when no integration
   * is configured, or when the previous update is less than {@link #MIN_UPDATE_GAP} before {@code
   * now}.
   */
  public void update(SeriesStore store, Instant now) {
    if (config.partners().isEmpty()
        || lastUpdate != null && now.isBefore(lastUpdate.plus(MIN_UPDATE_GAP))) {
      return;
    }
    lastUpdate = now;
    Map<String, Integer> matched = new HashMap<>();
    Set<Key> present = new HashSet<>();
    for (CallSource source : CallSource.values()) {
      readSource(store, source, now, matched, present);
    }
    markScrapedProcesses(store);
    long nowMillis = now.toEpochMilli();
    counts.values().forEach(windows -> windows.advance(nowMillis));
    counts.keySet().removeIf(key -> !present.contains(key) && counts.get(key).isEmpty());
    outputLabels.keySet().retainAll(counts.keySet());
    store.applyScrape(OWNER, samples(matched), now);
  }

  private void readSource(SeriesStore store, CallSource source, Instant now,
      Map<String, Integer> matched, Set<Key> present) {
    List<Series> series = new ArrayList<>();
    for (Series candidate : store.select(source.signal(), List.of())) {
      Optional<Key> key = keyOf(source, candidate.labels());
      if (key.isPresent()) {
        series.add(candidate);
        present.add(key.get());
        matched.merge(key.get().integration(), 1, Integer::sum);
        counts.computeIfAbsent(key.get(), k -> new WindowCounts(config.windows()));
      }
    }
    deltas.get(source).update(series, now, (labels, fromMillis, toMillis, increase) -> {
      Key key = keyOf(source, labels).orElseThrow();
      double failed = source.isFailure(labels) ? increase : 0;
      double total = source.isCall(labels) ? increase : 0;
      counts.get(key).add(toMillis, failed, total);
    });
  }

  /**
   * Marks the processes whose target's latest scrape succeeded as seen, so that their series
   * appearing in a later scrape count from 0 even when the target had no such series before.
   */
  private void markScrapedProcesses(SeriesStore store) {
    for (CallSource source : CallSource.values()) {
      List<String> up = new ArrayList<>();
      for (Series target : store.select("freightwatch_target_up",
          List.of(LabelMatcher.equal("source", source.targetSource())))) {
        if (target.latestValue() == 1 && !target.isStale()) {
          up.add(target.labels().get("target"));
        }
      }
      deltas.get(source).markProcessesKnown(up);
    }
  }

  private Optional<Key> keyOf(CallSource source, Labels labels) {
    Map<Labels, Optional<Key>> cache = matchCache.get(source);
    Optional<Key> cached = cache.get(labels);
    if (cached != null) {
      return cached;
    }
    if (cache.size() >= MATCH_CACHE_LIMIT) {
      cache.clear();
    }
    Optional<Key> key = Optional.empty();
    for (Integration integration : config.partners()) {
      Optional<String> tenant = source.tenantOf(integration, labels);
      if (tenant.isPresent()) {
        key = Optional.of(new Key(integration.name(), tenant.get()));
        break;
      }
    }
    cache.put(labels, key);
    return key;
  }

  private List<Sample> samples(Map<String, Integer> matched) {
    List<Sample> samples = new ArrayList<>();
    Set<String> withCounts = new HashSet<>();
    new TreeMap<Key, WindowCounts>(counts).forEach((key, windows) -> {
      withCounts.add(key.integration());
      addWindowSamples(outputLabels.computeIfAbsent(key, this::windowedLabels), windows, samples);
    });
    for (Integration integration : config.partners()) {
      Key withoutTenant = new Key(integration.name(), "");
      samples.add(Sample.gauge(MATCHED_SERIES,
          "Call counter series that the integration's match rules select.",
          matched.getOrDefault(integration.name(), 0), Labels.of("integration",
              integration.name())));
      if (!withCounts.contains(integration.name())) {
        addWindowSamples(windowedLabels(withoutTenant), new WindowCounts(List.of()), samples);
      }
    }
    return samples;
  }

  /** Builds the label set of each window's series of {@code key}, in window order. */
  private Labels[] windowedLabels(Key key) {
    Labels labels = Labels.of("integration", key.integration(), "tenant", key.tenant());
    Labels[] windowed = new Labels[windowLabels.size()];
    for (int i = 0; i < windowed.length; i++) {
      windowed[i] = labels.with("window", windowLabels.get(i));
    }
    return windowed;
  }

  private void addWindowSamples(Labels[] labels, WindowCounts windows, List<Sample> samples) {
    for (int i = 0; i < windowLabels.size(); i++) {
      Labels windowed = labels[i];
      boolean empty = windows.isEmpty();
      double total = empty ? 0 : windows.total(i);
      double failed = empty ? 0 : windows.failed(i);
      samples.add(Sample.gauge(REQUESTS, "Calls to the integration counted in the window.",
          total, windowed));
      samples.add(Sample.gauge(FAILURES, "Failed calls to the integration counted in the window.",
          failed, windowed));
      if (total > 0) {
        // NOTE: EDI errors are counted when an exchange fails and exchanges when they are
        // created, so in a short window failures can outnumber calls. The ratio is capped at 1.
        samples.add(Sample.gauge(FAILURE_RATIO,
            "Share of the integration's calls in the window that failed.",
            Math.min(1, failed / total), windowed));
      }
    }
  }

  /** An integration and a tenant; the tenant is empty text for sources without one. */
  record Key(String integration, String tenant) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int byIntegration = integration.compareTo(other.integration);
      return byIntegration != 0 ? byIntegration : tenant.compareTo(other.tenant);
    }
  }
}
