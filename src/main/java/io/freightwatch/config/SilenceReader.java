package io.freightwatch.config;

import io.freightwatch.store.LabelMatcher;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the {@code silences} section: silences that hold from the start of the agent. */
final class SilenceReader {

  List<SilenceSpec> read(YamlNode node) {
    List<SilenceSpec> silences = new ArrayList<>();
    List<YamlNode> items = node.isNull() ? List.of() : node.items();
    for (int i = 0; i < items.size(); i++) {
      YamlNode item = items.get(i);
      item.allowOnly("matchers", "starts_at", "ends_at", "created_by", "comment");
      List<LabelMatcher> matchers = ConfigLoader.readMatchers(item, "matchers");
      if (matchers.isEmpty()) {
        item.problem("a silence needs matchers; add e.g. matchers: {tenant: initech}");
      }
      Optional<Instant> startsAt = instant(item, "starts_at");
      Optional<Instant> endsAt = instant(item, "ends_at");
      if (item.get("ends_at").isEmpty()) {
        item.problem("missing ends_at; every silence expires, e.g. ends_at:"
            + " \"2027-01-05T08:00:00Z\"");
      }
      String comment = item.string("comment").orElse("");
      String createdBy = item.string("created_by").orElse("configuration");
      if (!matchers.isEmpty() && endsAt.isPresent()) {
        silences.add(new SilenceSpec("config-" + i, matchers, startsAt.orElse(Instant.EPOCH),
            endsAt.get(), createdBy, comment));
      }
    }
    return silences;
  }

  private static Optional<Instant> instant(YamlNode item, String key) {
    Optional<YamlNode> node = item.get(key);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    String text = node.get().asString().orElse("");
    try {
      return Optional.of(Instant.parse(text.trim()));
    } catch (DateTimeParseException e) {
      node.get().problem("got \"" + text + "\"; expected a UTC time such as"
          + " 2027-01-05T08:00:00Z");
      return Optional.empty();
    }
  }
}
