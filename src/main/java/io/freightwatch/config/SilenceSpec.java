package io.freightwatch.config;

import io.freightwatch.store.LabelMatcher;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A silence: alerts whose labels match every matcher are not notified until it expires. They
 * still appear in the API, marked silenced.
 *
 * @param id unique id; for silences from the configuration, {@code config-<index>}
 * @param matchers label matchers, at least one
 * @param startsAt when the silence starts
 * @param endsAt when it expires
 * @param createdBy who created it, for the API
 * @param comment why, for the API
 */
public record SilenceSpec(String id, List<LabelMatcher> matchers, Instant startsAt,
    Instant endsAt, String createdBy, String comment) {

  public SilenceSpec {
    Objects.requireNonNull(id, "id");
    matchers = List.copyOf(matchers);
    if (matchers.isEmpty()) {
      throw new IllegalArgumentException("a silence needs at least one matcher");
    }
    Objects.requireNonNull(startsAt, "startsAt");
    Objects.requireNonNull(endsAt, "endsAt");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(comment, "comment");
  }

  /** Returns whether the silence is in force at {@code now}. */
  public boolean isActive(Instant now) {
    return !now.isBefore(startsAt) && now.isBefore(endsAt);
  }

  /** Returns whether every matcher matches {@code labels}. */
  public boolean matches(io.freightwatch.store.Labels labels) {
    return matchers.stream().allMatch(m -> m.matches(labels));
  }
}
