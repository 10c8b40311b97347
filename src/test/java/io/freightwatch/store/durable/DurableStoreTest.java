package io.freightwatch.store.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableStoreTest {

  @TempDir Path dir;

  @Test
  void committedEntriesSurviveReopen() {
    try (DurableStore store = DurableStore.open(dir.resolve("data"))) {
      Map<String, String> outbox = store.map("outbox");
      outbox.put("n-1", "{\"fingerprint\":\"abc\"}");
      store.commit();
    }

    try (DurableStore store = DurableStore.open(dir.resolve("data"))) {
      Map<String, String> outbox = store.map("outbox");
      assertThat(outbox).containsExactly(Map.entry("n-1", "{\"fingerprint\":\"abc\"}"));
    }
  }

  @Test
  void secondOpenOfSameDirectoryFails() {
    try (DurableStore first = DurableStore.open(dir)) {
      assertThatThrownBy(() -> DurableStore.open(dir))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another agent may be using this data directory");
    }
  }
}
