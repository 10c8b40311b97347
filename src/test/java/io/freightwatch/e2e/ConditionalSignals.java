package io.freightwatch.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resource {@code io/freightwatch/signals-conditional.tsv}: catalogued signals that exist
 * only in some states, each with the condition under which it appears.
 */
public final class ConditionalSignals {

  private static final String RESOURCE = "/io/freightwatch/signals-conditional.tsv";

  private ConditionalSignals() {}

  /** Returns the condition of each conditional signal, by name, in file order. */
  public static Map<String, String> load() throws IOException {
    Map<String, String> conditions = new LinkedHashMap<>();
    try (InputStream in = ConditionalSignals.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("resource " + RESOURCE + " is missing");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in,
          StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", -1);
        if (fields.length != 2 || fields[1].isBlank()) {
          throw new IOException(RESOURCE + ": expected name<TAB>condition: " + line);
        }
        conditions.put(fields[0], fields[1]);
      }
    }
    return conditions;
  }
}
