package io.freightwatch.collect;

import java.time.Instant;
import java.util.Optional;

/**
 * Health of one scrape target.
 *
 * @param target the target
 * @param scraped whether at least one scrape has finished
 * @param up whether the latest scrape succeeded
 * @param lastScrape when the latest scrape finished
 * @param lastDurationSeconds how long the latest scrape took, NaN before the first
 * @param lastError message of the latest failure, empty when up
 * @param skippedScrapes scrapes skipped because the previous one was still running
 */
public record TargetHealth(
    TargetId target,
    boolean scraped,
    boolean up,
    Optional<Instant> lastScrape,
    double lastDurationSeconds,
    String lastError,
    long skippedScrapes) {}
