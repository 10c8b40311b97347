package io.freightwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.freightwatch.config.SilenceSpec;
import io.freightwatch.http.Json;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.durable.DurableStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the silences created through the API in the durable store, one JSON document per
 * silence, so that they survive a restart. Silences from the configuration file are not stored.
 */
final class SilenceStore {

  static final String MAP_NAME = "silences";

  private static final Logger LOG = LoggerFactory.getLogger(SilenceStore.class);

  private final Map<String, String> map;

  SilenceStore(DurableStore durable) {
    this.map = durable.map(MAP_NAME);
  }

  /** Reads the stored silences that have not expired; blocking, so call it from a worker. */
  List<SilenceSpec> load(Instant now) {
    List<SilenceSpec> silences = new ArrayList<>();
    for (Map.Entry<String, String> entry : map.entrySet()) {
      try {
        SilenceSpec silence = fromJson(entry.getKey(), Json.MAPPER.readTree(entry.getValue()));
        if (silence.endsAt().isAfter(now)) {
          silences.add(silence);
        }
      } catch (IOException | RuntimeException e) {
        LOG.error("stored silence unreadable, skipped id={} error=\"{}\"", entry.getKey(),
            e.toString());
      }
    }
    return silences;
  }

  /** Replaces the stored silences with the API-created ones of {@code silences}. */
  void save(List<SilenceSpec> silences) {
    map.clear();
    for (SilenceSpec silence : silences) {
      if (!silence.id().startsWith("config-")) {
        map.put(silence.id(), toJson(silence).toString());
      }
    }
  }

  static ObjectNode toJson(SilenceSpec silence) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("id", silence.id());
    ObjectNode matchers = node.putObject("matchers");
    for (LabelMatcher matcher : silence.matchers()) {
      String prefix = matcher.operator() == LabelMatcher.Operator.EQUAL ? ""
          : matcher.operator().symbol();
      matchers.put(matcher.name(), prefix + matcher.value());
    }
    node.put("startsAt", silence.startsAt().toString());
    node.put("endsAt", silence.endsAt().toString());
    node.put("createdBy", silence.createdBy());
    node.put("comment", silence.comment());
    return node;
  }

  static SilenceSpec fromJson(String id, JsonNode node) {
    List<LabelMatcher> matchers = new ArrayList<>();
    node.get("matchers").fields().forEachRemaining(field ->
        matchers.add(LabelMatcher.parse(field.getKey(), field.getValue().asText())));
    return new SilenceSpec(id, matchers, Instant.parse(node.get("startsAt").asText()),
        Instant.parse(node.get("endsAt").asText()), node.path("createdBy").asText(""),
        node.path("comment").asText(""));
  }
}
