package io.freightwatch.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves secret references: {@code ${env:NAME}} reads an environment variable and {@code
 * ${file:/path}} reads a file (a Kubernetes Secret volume, typically), trailing newline removed.
 * Relative file paths are resolved against the configuration file's directory.
 */
final class SecretReader {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");
  private static final Pattern ANY_REFERENCE = Pattern.compile("\\$\\{([a-zA-Z]*):?[^}]*}");

  private final Map<String, String> environment;
  private final Path baseDirectory;

  SecretReader(Map<String, String> environment, Path baseDirectory) {
    this.environment = Map.copyOf(environment);
    this.baseDirectory = baseDirectory;
  }

  /** Returns the directory that relative paths in the configuration are resolved against. */
  Path baseDirectory() {
    return baseDirectory;
  }

  /**
   * Returns true when {@code text} contains something written as a reference: {@code ${...}}.
   * {@link #read} rejects references of an unknown source, such as a misspelt {@code ${evn:X}}.
   */
  static boolean isReference(String text) {
    return ANY_REFERENCE.matcher(text).find();
  }

  /**
   * Replaces every reference in the node's value. Records a problem naming the variable or file
   * when it cannot be read and returns empty.
   */
  Optional<Secret> read(YamlNode node, String text) {
    Matcher any = ANY_REFERENCE.matcher(text);
    while (any.find()) {
      if (!REFERENCE.matcher(any.group()).matches()) {
        node.problem("got the reference " + any.group() + "; a reference is ${env:NAME} or"
            + " ${file:/path}");
        return Optional.empty();
      }
    }
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    String source = "inline";
    while (matcher.find()) {
      String kind = matcher.group(1);
      String name = matcher.group(2).trim();
      Optional<String> value = kind.equals("env") ? env(node, name) : file(node, name);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      source = kind + ":" + name;
      matcher.appendReplacement(out, Matcher.quoteReplacement(value.get()));
    }
    matcher.appendTail(out);
    return Optional.of(new Secret(out.toString(), source));
  }

  /**
   * Reads the map of HTTP headers under {@code key}. A header that carries a credential, judged by
   * its name or by a value starting with an authentication scheme, must be a reference: written in
   * the file, it is recorded as a problem and left out.
   */
  Map<String, Secret> headers(YamlNode parent, String key) {
    Map<String, Secret> headers = new LinkedHashMap<>();
    parent.get(key).ifPresent(h -> {
      for (String header : h.keys()) {
        YamlNode valueNode = h.get(header).orElse(h);
        Optional<String> text = valueNode.asString();
        if (text.isPresent() && !isReference(text.get())
            && Credentials.isSecretHeader(header, text.get())) {
          valueNode.problem("<redacted> is written in the file; the " + header
              + " header carries a credential: use ${env:VARIABLE} or ${file:/path}");
          continue;
        }
        text.flatMap(value -> read(valueNode, value))
            .ifPresent(secret -> headers.put(header, secret));
      }
    });
    return headers;
  }

  private Optional<String> env(YamlNode node, String name) {
    String value = environment.get(name);
    if (value == null) {
      node.problem("environment variable " + name + " is not set; export it before starting the"
          + " agent or remove the reference");
      return Optional.empty();
    }
    if (value.isEmpty()) {
      node.problem("environment variable " + name + " is set but empty; give it the value or"
          + " remove the reference");
      return Optional.empty();
    }
    return Optional.of(value);
  }

  private Optional<String> file(YamlNode node, String name) {
    Path path = baseDirectory.resolve(name);
    try {
      String value = Files.readString(path, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        node.problem("secret file " + path + " is empty; write the value into it or remove the"
            + " reference");
        return Optional.empty();
      }
      return Optional.of(value);
    } catch (IOException e) {
      node.problem("cannot read secret file " + path + " (" + e.getClass().getSimpleName()
          + "); check that it exists and is readable by the agent");
      return Optional.empty();
    }
  }
}
