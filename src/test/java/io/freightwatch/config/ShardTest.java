package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardTest {

  @TempDir Path dir;

  @Test
  void hashIsFirstEightBytesOfSha256() {
    // Values from Python: int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big").
    // A change here moves tenants between shards of agents of different versions.
    assertThat(Shard.stableHash("acme")).isEqualTo(0x822b33ad87c148a0L);
    assertThat(Shard.stableHash("globex")).isEqualTo(0x5bc1a08d28e40fe7L);
    assertThat(Shard.stableHash("")).isEqualTo(0xe3b0c44298fc1c14L);
  }

  @Test
  void shardOfTakesUnsignedRemainder() {
    assertThat(Shard.shardOf("acme", 3)).isZero();
    assertThat(Shard.shardOf("globex", 3)).isEqualTo(1);
    assertThat(Shard.shardOf("tenant042", 3)).isEqualTo(2);
    assertThat(Shard.shardOf("acme", 7)).isEqualTo(2);
  }

  @Test
  void shardsSplitNamesWithoutOverlapOrGap() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      names.add("tenant" + i);
    }
    int count = 4;
    Set<String> seen = new HashSet<>();
    for (int index = 0; index < count; index++) {
      Shard shard = new Shard(index, count);
      List<String> owned = names.stream().filter(shard::owns).toList();
      assertThat(owned).as("shard %d owns some names", index).hasSizeBetween(150, 350);
      for (String name : owned) {
        assertThat(seen.add(name)).as("%s owned by two shards", name).isTrue();
      }
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(names);
  }

  @Test
  void singleShardOwnsEverything() {
    assertThat(Shard.ALL.owns("acme")).isTrue();
    assertThat(Shard.ALL.owns("globex")).isTrue();
  }

  @Test
  void rejectsIndexOutsideCount() {
    assertThatThrownBy(() -> new Shard(3, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("index: got 3; expected 0 to 2 for count 3");
    assertThatThrownBy(() -> new Shard(0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count: got 0; expected at least 1");
  }

  @Test
  void readsNumericIndex() throws Exception {
    AgentConfig config = load("shard: {index: 1, count: 3}", Map.of());

    assertThat(config.agent().shard()).isEqualTo(new Shard(1, 3));
  }

  @Test
  void readsOrdinalFromHostname() throws Exception {
    AgentConfig config = load("shard: {index: ordinal, count: 3}",
        Map.of("HOSTNAME", "freightwatch-2"));

    assertThat(config.agent().shard()).isEqualTo(new Shard(2, 3));
  }

  @Test
  void defaultsToWholeEstate() throws Exception {
    AgentConfig config = load("scrape_timeout: 10s", Map.of());

    assertThat(config.agent().shard()).isEqualTo(Shard.ALL);
  }

  @Test
  void deferredOrdinalIgnoresHostname() throws Exception {
    ConfigLoader loader =
        new ConfigLoader(Map.of("HOSTNAME", "laptop")).withShardOrdinalDeferred();

    AgentConfig config = loader.load(write("shard: {index: ordinal, count: 3}"));

    assertThat(config.agent().shard()).isEqualTo(Shard.ALL);
    assertThat(loader.notes()).containsExactly("agent.shard.index: ordinal is resolved when the"
        + " agent runs: it takes the number at the end of the pod's host name (HOSTNAME), so pod"
        + " freightwatch-2 is shard 2, and that number must be below shard.count (3)");
  }

  @Test
  void deferredOrdinalStillChecksForm() throws Exception {
    ConfigLoader loader = new ConfigLoader(Map.of()).withShardOrdinalDeferred();

    assertThatThrownBy(() -> loader.load(write("shard: {index: ordinl, count: 3}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.shard.index: got \"ordinl\"; expected a shard index from 0,"
            + " or ordinal");
    assertThatThrownBy(() -> loader.load(write("shard: {index: ordinal, count: 0}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.shard.count: got 0; expected a whole number from 1 to 1000");
    assertThatThrownBy(() -> loader.load(write("shard: {index: ordinal}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.shard: missing count");
  }

  @Test
  void rejectsHostnameWithoutNumber() {
    assertThatThrownBy(() -> load("shard: {index: ordinal, count: 3}",
        Map.of("HOSTNAME", "freightwatch-abc")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shard.yaml:3: agent.shard.index: got ordinal, but HOSTNAME is"
            + " \"freightwatch-abc\", which does not end in -<number>");
  }

  @Test
  void rejectsUnsetOrOversizedHostnameOrdinal() {
    assertThatThrownBy(() -> load("shard: {index: ordinal, count: 3}", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("got ordinal, but HOSTNAME is not set");
    // Only the last nine digits were read before, which made this pod shard 2.
    assertThatThrownBy(() -> load("shard: {index: ordinal, count: 3}",
        Map.of("HOSTNAME", "freightwatch-10000000002")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is too large for a shard index");
    assertThatThrownBy(() -> load("shard: {index: ordinal, count: 3}",
        Map.of("HOSTNAME", "freightwatch-99999999999999999999")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is too large for a shard index");
  }

  @Test
  void rejectsOrdinalAtOrAboveCount() {
    assertThatThrownBy(() -> load("shard: {index: ordinal, count: 3}",
        Map.of("HOSTNAME", "freightwatch-3")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.shard.index: got ordinal 3 from the host name"
            + " \"freightwatch-3\"; expected a shard index from 0 to 2, below shard.count (3)");
  }

  @Test
  void rejectsMissingCountAndBadIndex() {
    assertThatThrownBy(() -> load("shard: {index: 1}", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.shard: missing count");
    assertThatThrownBy(() -> load("shard: {index: first, count: 2}", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.shard.index: got \"first\"; expected a shard index from 0,"
            + " or ordinal");
    assertThatThrownBy(() -> load("shard: {index: 0, count: 0}", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.shard.count: got 0; expected a whole number from 1 to 1000");
  }

  private AgentConfig load(String agentLine, Map<String, String> environment)
      throws IOException, ConfigException {
    return new ConfigLoader(environment).load(write(agentLine));
  }

  private Path write(String agentLine) throws IOException {
    Path file = dir.resolve("shard.yaml");
    Files.writeString(file, """
        agent:
          listen: 127.0.0.1:0
          %s
        targets:
          postgres:
            - name: primary
              dsn: postgresql://freightwatch@127.0.0.1:5432/postgres
        """.formatted(agentLine));
    return file;
  }
}
