package io.freightwatch.rules;

import io.freightwatch.config.SilenceSpec;
import io.freightwatch.store.Labels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The silences in force: those of the configuration and those created through the API. Expired
 * silences are dropped on {@link #expire}. Must be used from the agent's event loop only.
 */
public final class Silences {

  private final Map<String, SilenceSpec> byId = new LinkedHashMap<>();

  public Silences(List<SilenceSpec> initial) {
    initial.forEach(this::add);
  }

  /** Adds or replaces a silence. */
  public void add(SilenceSpec silence) {
    byId.put(silence.id(), silence);
  }

  /** Removes a silence; returns whether it existed. */
  public boolean remove(String id) {
    return byId.remove(id) != null;
  }

  /** Drops silences that ended before {@code now}. */
  public void expire(Instant now) {
    byId.values().removeIf(silence -> !silence.endsAt().isAfter(now));
  }

  public List<SilenceSpec> list() {
    return new ArrayList<>(byId.values());
  }

  /** Returns the first silence in force at {@code now} that matches {@code labels}. */
  public Optional<SilenceSpec> matching(Labels labels, Instant now) {
    for (SilenceSpec silence : byId.values()) {
      if (silence.isActive(now) && silence.matches(labels)) {
        return Optional.of(silence);
      }
    }
    return Optional.empty();
  }
}
