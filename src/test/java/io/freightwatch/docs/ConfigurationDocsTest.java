package io.freightwatch.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Compares the keys the configuration readers accept with {@code docs/configuration.md}. The
 * accepted keys are the string literals of every {@code allowOnly(...)} call in the config
 * package, and of the constants such a call names; the documented keys are the first cells of
 * the page's tables.
 */
class ConfigurationDocsTest {

  private static final Path READERS = Path.of("src/main/java/io/freightwatch/config");
  private static final Path PAGE = Path.of("docs/configuration.md");
  private static final Pattern ALLOW_ONLY = Pattern.compile("\\.allowOnly\\(([^;]*?)\\);",
      Pattern.DOTALL);
  private static final Pattern LITERAL = Pattern.compile("\"([a-z_][a-z0-9_]*)\"");
  private static final Pattern CONSTANT = Pattern.compile("\\b([A-Z][A-Z0-9_]+)\\b");
  private static final Pattern PARAMETER = Pattern.compile("(?<![.\\w])([a-z][A-Za-z0-9]*)\\b(?!\\()");
  private static final Pattern METHOD = Pattern.compile(
      "(?m)^\\s+(?:private |static |public |final )*[\\w<>.\\[\\]]+ (\\w+)\\(([^()]*)\\)\\s*(?:throws [\\w., ]+)?\\{");
  /**
   * Keys a reader passes to {@code allowOnly} in a variable set at run time, which the scan cannot
   * follow: the combination forms of a rule condition.
   */
  private static final Map<String, String> RUN_TIME_KEYS = Map.of(
      "all", "ConditionReader.java", "any", "ConditionReader.java");
  private static final Pattern ROW_KEY = Pattern.compile("(?m)^\\| `([a-z_][a-z0-9_]*)` \\|");

  @Test
  void everyAcceptedKeyIsDocumented() throws IOException {
    Map<String, String> accepted = acceptedKeys();
    Set<String> documented = documentedKeys();

    Map<String, String> missing = new TreeMap<>(accepted);
    missing.keySet().removeAll(documented);

    assertThat(accepted).as("keys found in the readers").isNotEmpty();
    assertThat(missing).as("accepted keys (with the reader accepting them) without a row in %s",
        PAGE).isEmpty();
  }

  @Test
  void everyDocumentedKeyIsAccepted() throws IOException {
    Set<String> stale = documentedKeys();
    stale.removeAll(acceptedKeys().keySet());

    assertThat(stale).as("keys in %s that no reader accepts", PAGE).isEmpty();
  }

  @Test
  void scanFindsKnownKeys() throws IOException {
    assertThat(acceptedKeys()).containsKeys("listen", "statement_timeout", "tenant_name",
        "repeat_interval", "managed_identity_client_id", "customer_facing");
  }

  /** Returns every accepted key with the reader file that accepts it. */
  private static Map<String, String> acceptedKeys() throws IOException {
    Map<String, String> keys = new TreeMap<>(RUN_TIME_KEYS);
    try (Stream<Path> files = Files.list(READERS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        String source = Files.readString(file);
        Matcher call = ALLOW_ONLY.matcher(source);
        while (call.find()) {
          String arguments = call.group(1);
          addLiterals(arguments, file, keys);
          Matcher constant = CONSTANT.matcher(arguments);
          while (constant.find()) {
            addLiterals(constantText(source, constant.group(1)), file, keys);
          }
          Matcher parameter = PARAMETER.matcher(arguments.replaceAll("\"[^\"]*\"", ""));
          while (parameter.find()) {
            addLiterals(argumentsFor(source, call.start(), parameter.group(1)), file, keys);
          }
        }
      }
    }
    return keys;
  }

  private static void addLiterals(String text, Path file, Map<String, String> keys) {
    Matcher literal = LITERAL.matcher(text);
    while (literal.find()) {
      keys.putIfAbsent(literal.group(1), file.getFileName().toString());
    }
  }

  /**
   * Returns the arguments that callers pass for {@code parameter} of the method that contains
   * {@code position}, for keys a reader takes as a parameter, such as an SLI's bound key.
   */
  private static String argumentsFor(String source, int position, String parameter) {
    Matcher declaration = METHOD.matcher(source.substring(0, position));
    String method = null;
    int index = -1;
    while (declaration.find()) {
      List<String> parameters = List.of(declaration.group(2).split(","));
      for (int i = 0; i < parameters.size(); i++) {
        if (parameters.get(i).trim().endsWith(" " + parameter)) {
          method = declaration.group(1);
          index = i;
        }
      }
    }
    if (method == null) {
      return "";
    }
    StringBuilder literals = new StringBuilder();
    Matcher call = Pattern.compile("\\b" + method + "\\(([^()]*)\\)").matcher(source);
    while (call.find()) {
      String[] arguments = call.group(1).split(",");
      if (index < arguments.length) {
        literals.append(arguments[index]).append(' ');
      }
    }
    return literals.toString();
  }

  /** Returns the initializer of the constant {@code name} declared in {@code source}. */
  private static String constantText(String source, String name) {
    Matcher declaration = Pattern.compile("\\b" + name + "\\s*=([^;]*);", Pattern.DOTALL)
        .matcher(source);
    return declaration.find() ? declaration.group(1) : "";
  }

  private static Set<String> documentedKeys() throws IOException {
    Set<String> keys = new TreeSet<>();
    Matcher row = ROW_KEY.matcher(Files.readString(PAGE));
    while (row.find()) {
      keys.add(row.group(1));
    }
    return keys;
  }
}
