package io.freightwatch.notify.pagerduty;

import io.freightwatch.store.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * PagerDuty dedup keys: {@value #PREFIX} followed by the full SHA-256, in hex, of the alert's
 * sorted label names and values (each followed by a zero byte), 77 characters in all. The alert
 * fingerprint is the first 16 hex digits of the same digest. The key depends on the labels only, so
 * it is the same for every retry, for the resolve, after a restart and on every agent replica
 * watching the same targets. Its length is fixed, far below PagerDuty's limit of 255 characters,
 * however long the labels are.
 */
public final class DedupKeys {

  /** Prefix that marks keys made by this agent. */
  public static final String PREFIX = "freightwatch-";

  /** PagerDuty's maximum length of a dedup key. */
  public static final int MAX_LENGTH = 255;

  private DedupKeys() {}

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
    return PREFIX + HexFormat.of().formatHex(digest.digest());
  }
}
