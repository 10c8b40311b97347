package io.freightwatch.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The part of an estate one agent watches when several agents split it: shard {@code index} of
 * {@code count}.
 *
 * <p>A name belongs to the shard whose index equals its {@link #stableHash} modulo {@code count}.
 * Tenants are assigned by tenant name. Server-wide targets (a PostgreSQL server's own signals, a
 * Redis server, a Traefik endpoint) are assigned by target name, so exactly one shard reads each.
 * The hash depends only on the name's UTF-8 bytes, so the assignment is the same on every agent,
 * after a restart and across agent versions, and every name belongs to exactly one shard.
 *
 * @param index this agent's shard, from 0 to {@code count - 1}
 * @param count number of shards, at least 1
 */
public record Shard(int index, int count) {

  /** The whole estate in one agent. */
  public static final Shard ALL = new Shard(0, 1);

  public Shard {
    if (count < 1) {
      throw new IllegalArgumentException("count: got " + count + "; expected at least 1");
    }
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "index: got " + index + "; expected 0 to " + (count - 1) + " for count " + count);
    }
  }

  /** Returns true when {@code name} (a tenant or target name) belongs to this shard. */
  public boolean owns(String name) {
    return count == 1 || shardOf(name, count) == index;
  }

  /** Returns the shard, from 0 to {@code count - 1}, that owns {@code name}. */
  public static int shardOf(String name, int count) {
    return (int) Long.remainderUnsigned(stableHash(name), count);
  }

  /**
   * Returns the first 8 bytes of the SHA-256 digest of {@code name}'s UTF-8 bytes, big-endian, as
   * an unsigned 64-bit number stored in a long.
   */
  public static long stableHash(String name) {
    Objects.requireNonNull(name, "name");
    byte[] digest = sha256().digest(name.getBytes(StandardCharsets.UTF_8));
    long hash = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      hash = (hash << 8) | (digest[i] & 0xff);
    }
    return hash;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (java.security.MessageDigest's contract).
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
