package io.freightwatch.rules;

import io.freightwatch.store.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Computes alert fingerprints: the first 16 hex digits of SHA-256 over the sorted label names and
 * values, each followed by a zero byte. The result depends only on the labels, so two agents that
 * watch the same targets with the same rules produce the same fingerprint.
 */
public final class Fingerprints {

  private Fingerprints() {}

  public static String of(Labels labels) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
    for (Map.Entry<String, String> label : labels.asMap().entrySet()) {
      digest.update(label.getKey().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(label.getValue().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 8);
  }
}
