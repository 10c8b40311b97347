package io.freightwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleReloaderTest {

  private static final String RULES_A = "groups: []\n# a\n";
  private static final String RULES_B = "groups: []\n# b\n";

  @TempDir Path directory;

  @Test
  void steadyDirectoryIsUnchanged() throws IOException {
    write("orders.yaml", RULES_A);
    RuleReloader reloader = new RuleReloader(directory);

    assertThat(reloader.hasChanged()).isFalse();
    assertThat(reloader.hasChanged()).isFalse();
  }

  @Test
  void editOfTheSameSizeIsAChange() throws IOException {
    Path file = write("orders.yaml", RULES_A);
    RuleReloader reloader = new RuleReloader(directory);

    Files.writeString(file, RULES_B, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(reloader.hasChanged()).isTrue();
    assertThat(reloader.hasChanged()).isFalse();
  }

  @Test
  void touchedFileIsNoChange() throws IOException {
    Path file = write("orders.yaml", RULES_A);
    RuleReloader reloader = new RuleReloader(directory);

    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(reloader.hasChanged()).isFalse();
  }

  @Test
  void addedAndRemovedFilesAreChanges() throws IOException {
    write("orders.yaml", RULES_A);
    RuleReloader reloader = new RuleReloader(directory);

    Path added = write("mail.yml", RULES_B);
    assertThat(reloader.hasChanged()).isTrue();

    Files.delete(added);
    assertThat(reloader.hasChanged()).isTrue();
    assertThat(reloader.hasChanged()).isFalse();
  }

  @Test
  void otherFilesAreIgnored() throws IOException {
    write("orders.yaml", RULES_A);
    RuleReloader reloader = new RuleReloader(directory);

    write("README.md", "notes");

    assertThat(reloader.hasChanged()).isFalse();
  }

  /** A ConfigMap volume: the rule file is a link into a directory that an update replaces. */
  @Test
  void switchedSymbolicLinkIsAChange() throws IOException {
    Path first = Files.createDirectory(directory.resolve("..2026_12_05_first"));
    Files.writeString(first.resolve("orders.yaml"), RULES_A, StandardCharsets.UTF_8);
    Path second = Files.createDirectory(directory.resolve("..2026_12_05_second"));
    Files.writeString(second.resolve("orders.yaml"), RULES_B, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(second.resolve("orders.yaml"),
        Files.getLastModifiedTime(first.resolve("orders.yaml")));
    Path data = Files.createSymbolicLink(directory.resolve("..data"), first.getFileName());
    Files.createSymbolicLink(directory.resolve("orders.yaml"), Path.of("..data/orders.yaml"));
    RuleReloader reloader = new RuleReloader(directory);
    assertThat(reloader.hasChanged()).isFalse();

    Path next = Files.createSymbolicLink(directory.resolve("..data_tmp"), second.getFileName());
    Files.move(next, data, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);

    assertThat(reloader.hasChanged()).isTrue();
  }

  private Path write(String name, String contents) throws IOException {
    return Files.writeString(directory.resolve(name), contents, StandardCharsets.UTF_8);
  }
}
