package io.freightwatch.http;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON mapper of the HTTP API and of the silences it stores. The JVM creates it when this class
 * is first used, not when HttpApi or SilenceStore loads: creating it loads about 360 Jackson
 * classes, which an agent that serves no JSON does not need.
 */
public final class Json {

  /** Thread-safe once configured; nothing configures it after creation. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}
}
