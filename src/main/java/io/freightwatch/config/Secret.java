package io.freightwatch.config;

import java.util.Objects;

/**
 * A credential read from the environment or a file. {@link #toString()} never shows the value, so
 * a secret can be logged or put in an exception message by mistake without leaking.
 */
public final class Secret {

  public static final Secret NONE = new Secret("", "none");

  private final String value;
  private final String source;

  /**
   * @param value the secret itself
   * @param source where it came from, for messages: {@code env:NAME}, {@code file:/path} or {@code
   *     inline}
   */
  public Secret(String value, String source) {
    this.value = Objects.requireNonNull(value, "value");
    this.source = Objects.requireNonNull(source, "source");
  }

  /** Returns the secret. Callers pass it straight to a client and never log it. */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return isEmpty() ? "<none>" : "<redacted from " + source + ">";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret && value.equals(secret.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
