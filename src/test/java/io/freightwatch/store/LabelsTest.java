package io.freightwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelsTest {

  @Test
  void equalWhateverBuildOrder() {
    Labels forward = Labels.of("tenant", "acme", "state", "pending", "channel", "root");
    Labels backward = Labels.of("channel", "root", "state", "pending", "tenant", "acme");
    Map<String, String> map = new LinkedHashMap<>();
    map.put("state", "pending");
    map.put("channel", "root");
    map.put("tenant", "acme");

    assertThat(forward).isEqualTo(backward);
    assertThat(forward).isEqualTo(Labels.of(map));
    assertThat(forward.hashCode()).isEqualTo(backward.hashCode());
    assertThat(forward.toString()).isEqualTo("{channel=\"root\",state=\"pending\",tenant=\"acme\"}");
  }

  @Test
  void spreadsHashesOfSimilarSets() {
    Set<Integer> hashes = new HashSet<>();
    int count = 0;
    for (int tenant = 0; tenant < 200; tenant++) {
      for (String code : List.of("200", "404", "500", "503", "root.carrier", "root.edi")) {
        for (String instance : List.of("traefik-0", "traefik-1", "pending", "enqueued", "x")) {
          hashes.add(Labels.of("tenant", String.format("t%03d", tenant), "code", code,
              "instance", instance).hashCode());
          count++;
        }
      }
    }

    assertThat(hashes).hasSize(count);
  }

  @Test
  void dropsEmptyValuesAndKeepsLastDuplicate() {
    Labels labels = Labels.of("a", "1", "b", "", "a", "3", "c", null);

    assertThat(labels.size()).isEqualTo(1);
    assertThat(labels.get("a")).isEqualTo("3");
    assertThat(labels.has("b")).isFalse();
    assertThat(labels.get("b")).isEmpty();
  }

  @Test
  void emptyValueRemovesEarlierPair() {
    assertThat(Labels.of("a", "1", "a", "")).isEqualTo(Labels.EMPTY);
    assertThat(Labels.of("a", "1", "a", "").isEmpty()).isTrue();
  }

  @Test
  void withAddsReplacesAndRemoves() {
    Labels base = Labels.of("b", "2", "d", "4");

    assertThat(base.with("a", "1")).isEqualTo(Labels.of("a", "1", "b", "2", "d", "4"));
    assertThat(base.with("c", "3")).isEqualTo(Labels.of("b", "2", "c", "3", "d", "4"));
    assertThat(base.with("e", "5")).isEqualTo(Labels.of("b", "2", "d", "4", "e", "5"));
    assertThat(base.with("b", "9")).isEqualTo(Labels.of("b", "9", "d", "4"));
    assertThat(base.with("b", "")).isEqualTo(Labels.of("d", "4"));
    assertThat(base.with("b", "2")).isSameAs(base);
    assertThat(base).isEqualTo(Labels.of("b", "2", "d", "4"));
  }

  @Test
  void withoutAndWithAll() {
    Labels base = Labels.of("a", "1", "b", "2", "c", "3");

    assertThat(base.without("b")).isEqualTo(Labels.of("a", "1", "c", "3"));
    assertThat(base.without("a")).isEqualTo(Labels.of("b", "2", "c", "3"));
    assertThat(base.without("c")).isEqualTo(Labels.of("a", "1", "b", "2"));
    assertThat(base.without("x")).isSameAs(base);
    assertThat(base.withAll(Labels.of("b", "7", "z", "9")))
        .isEqualTo(Labels.of("a", "1", "b", "7", "c", "3", "z", "9"));
    assertThat(base.withAll(Labels.EMPTY)).isSameAs(base);
  }

  @Test
  void containsAllComparesValues() {
    Labels labels = Labels.of("tenant", "acme", "state", "pending");

    assertThat(labels.containsAll(Labels.of("tenant", "acme"))).isTrue();
    assertThat(labels.containsAll(Labels.EMPTY)).isTrue();
    assertThat(labels.containsAll(Labels.of("tenant", "globex"))).isFalse();
    assertThat(labels.containsAll(Labels.of("channel", "root"))).isFalse();
  }

  @Test
  void findsNamesBuiltAtRuntime() {
    Labels labels = Labels.of("tenant", "acme");
    String name = new StringBuilder("ten").append("ant").toString();

    assertThat(labels.get(name)).isEqualTo("acme");
    assertThat(labels.has(name)).isTrue();
  }

  @Test
  void mapViewIsSortedAndUnmodifiable() {
    Labels labels = Labels.of("c", "3", "a", "1", "b", "2");
    Map<String, String> view = labels.asMap();
    List<String> order = new ArrayList<>();
    view.forEach((name, value) -> order.add(name + "=" + value));
    List<String> iterated = new ArrayList<>();
    for (Map.Entry<String, String> entry : view.entrySet()) {
      iterated.add(entry.getKey() + "=" + entry.getValue());
    }

    assertThat(order).containsExactly("a=1", "b=2", "c=3");
    assertThat(iterated).containsExactly("a=1", "b=2", "c=3");
    assertThat(view).isEqualTo(Map.of("a", "1", "b", "2", "c", "3"));
    assertThat(view.get("b")).isEqualTo("2");
    assertThat(view.get("x")).isNull();
    assertThat(view.containsKey("c")).isTrue();
    assertThatThrownBy(() -> view.put("d", "4")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsOddPairCount() {
    assertThatThrownBy(() -> Labels.of("a", "1", "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Labels.of needs name/value pairs; got an odd count 3");
  }

  @Test
  void escapesValuesInText() {
    assertThat(Labels.of("path", "a\"b\\c\nd").toString())
        .isEqualTo("{path=\"a\\\"b\\\\c\\nd\"}");
  }

  @Test
  void ordersPairByPairThenByLength() {
    List<Labels> sets = new ArrayList<>(List.of(
        Labels.of("tenant", "globex"),
        Labels.of("state", "pending", "tenant", "acme"),
        Labels.of("tenant", "acme", "zone", "b"),
        Labels.of("tenant", "acme"),
        Labels.of("channel", "root"),
        Labels.of()));

    sets.sort(null);

    assertThat(sets).containsExactly(
        Labels.of(),
        Labels.of("channel", "root"),
        Labels.of("state", "pending", "tenant", "acme"),
        Labels.of("tenant", "acme"),
        Labels.of("tenant", "acme", "zone", "b"),
        Labels.of("tenant", "globex"));
    assertThat(Labels.of("tenant", "acme").compareTo(Labels.of("tenant", "acme"))).isZero();
  }
}
