package io.freightwatch.collect.odoo;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Prometheus histogram per channel, as its series: cumulative {@code _bucket} series with an
 * {@code le} label, {@code _sum} and {@code _count}. They only grow while the agent runs, so {@code
 * rate}, {@code increase} and {@code histogram_quantile} read them as usual. A channel seen for the
 * first time is exported at 0 and its observations are added one scrape later, for the reason given
 * in {@link DeferredCounters}. Not thread-safe.
 */
final class JobHistograms {

  /**
   * Upper bounds in seconds, from a quick job to a six-hour batch. 300 s is a bound because the
   * shipped EDI turnaround objective counts jobs done within 5 minutes.
   */
  static final double[] BOUNDS = {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600};

  /** The {@code le} label of each bucket, formatted once: every scrape writes them all. */
  private static final String[] LE = leLabels();

  private final String bucketName;
  private final String sumName;
  private final String countName;
  private final String help;
  private final Map<String, Histogram> current = new TreeMap<>();
  private final Map<String, Histogram> deferred = new TreeMap<>();

  JobHistograms(String name, String help) {
    this.bucketName = name + "_bucket";
    this.sumName = name + "_sum";
    this.countName = name + "_count";
    this.help = help;
  }

  /** Adds the observations held back at the previous scrape. */
  void startScrape() {
    deferred.forEach((channel, histogram) -> current.get(channel).addAll(histogram));
    deferred.clear();
  }

  /** Records one observation in seconds for {@code channel}. */
  void observe(String channel, double seconds) {
    Histogram target = current.get(channel);
    if (target == null) {
      current.put(channel, new Histogram());
      target = deferred.computeIfAbsent(channel, c -> new Histogram());
    } else if (deferred.containsKey(channel)) {
      target = deferred.get(channel);
    }
    target.observe(seconds);
  }

  /**
   * Adds each channel's histogram as store series of type {@link
   * io.freightwatch.store.MetricType#HISTOGRAM}: one cumulative {@code _bucket} per bound and
   * {@code +Inf}, then {@code _sum} and {@code _count}. The +Inf bucket always equals the count.
   */
  void addSamples(Labels tenantLabels, List<Sample> out) {
    current.forEach(
        (channel, histogram) -> {
          Labels labels = tenantLabels.with("channel", channel);
          long cumulative = 0;
          for (int i = 0; i <= BOUNDS.length; i++) {
            cumulative += histogram.buckets[i];
            out.add(Sample.histogram(bucketName, help, cumulative, labels.with("le", LE[i])));
          }
          out.add(Sample.histogram(sumName, help, histogram.sum, labels));
          out.add(Sample.histogram(countName, help, histogram.count, labels));
        });
  }

  private static String[] leLabels() {
    String[] labels = new String[BOUNDS.length + 1];
    for (int i = 0; i < BOUNDS.length; i++) {
      labels[i] = String.format(Locale.ROOT, "%.1f", BOUNDS[i]);
    }
    labels[BOUNDS.length] = "+Inf";
    return labels;
  }

  private static final class Histogram {
    private final long[] buckets = new long[BOUNDS.length + 1];
    private double sum;
    private long count;

    void observe(double seconds) {
      int bucket = 0;
      while (bucket < BOUNDS.length && seconds > BOUNDS[bucket]) {
        bucket++;
      }
      buckets[bucket]++;
      sum += seconds;
      count++;
    }

    void addAll(Histogram other) {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] += other.buckets[i];
      }
      sum += other.sum;
      count += other.count;
    }
  }
}
