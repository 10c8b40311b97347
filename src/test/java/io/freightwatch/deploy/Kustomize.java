package io.freightwatch.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The part of kustomize that the shipped manifests use, so that the manifest test runs without a
 * kustomize binary: {@code resources} (files and directories), {@code namespace}, and {@code
 * configMapGenerator} with {@code files} and {@code behavior: create|replace} under {@code
 * generatorOptions.disableNameSuffixHash: true}. Any other key fails the rendering, so a manifest
 * change that needs more of kustomize shows up here. Where {@code kubectl} is installed, the test
 * compares this output with {@code kubectl kustomize}.
 */
final class Kustomize {

  private static final Set<String> KEYS = Set.of("apiVersion", "kind", "namespace", "resources",
      "configMapGenerator", "generatorOptions");
  private static final Set<String> GENERATOR_KEYS = Set.of("name", "files", "behavior");

  private final YAMLMapper yaml;

  Kustomize(YAMLMapper yaml) {
    this.yaml = yaml;
  }

  /** Renders the kustomization in {@code directory} into its list of objects. */
  List<ObjectNode> build(Path directory) throws IOException {
    Path file = directory.resolve("kustomization.yaml");
    JsonNode kustomization = yaml.readTree(file.toFile());
    for (Iterator<String> names = kustomization.propertyNames().iterator(); names.hasNext(); ) {
      String name = names.next();
      if (!KEYS.contains(name)) {
        throw new IllegalArgumentException(file + ": key " + name
            + " is outside the kustomize subset this test implements");
      }
    }
    List<ObjectNode> objects = new ArrayList<>();
    for (JsonNode resource : kustomization.path("resources")) {
      Path path = directory.resolve(resource.asString()).normalize();
      if (Files.isDirectory(path)) {
        objects.addAll(build(path));
      } else {
        objects.addAll(readObjects(path));
      }
    }
    for (JsonNode generator : kustomization.path("configMapGenerator")) {
      generate(directory, kustomization, generator, objects);
    }
    if (kustomization.has("namespace")) {
      String namespace = kustomization.path("namespace").asString();
      for (ObjectNode object : objects) {
        ((ObjectNode) object.get("metadata")).put("namespace", namespace);
      }
    }
    return objects;
  }

  List<ObjectNode> readObjects(Path file) throws IOException {
    List<ObjectNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents =
        yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          objects.add((ObjectNode) document);
        }
      }
    }
    return objects;
  }

  private void generate(Path directory, JsonNode kustomization, JsonNode generator,
      List<ObjectNode> objects) throws IOException {
    for (Iterator<String> names = generator.propertyNames().iterator(); names.hasNext(); ) {
      String name = names.next();
      if (!GENERATOR_KEYS.contains(name)) {
        throw new IllegalArgumentException(directory + ": configMapGenerator key " + name
            + " is outside the kustomize subset this test implements");
      }
    }
    if (!kustomization.path("generatorOptions").path("disableNameSuffixHash").asBoolean(false)) {
      throw new IllegalArgumentException(directory + ": name suffix hashes are outside the"
          + " kustomize subset this test implements; set disableNameSuffixHash: true");
    }
    String name = generator.path("name").asString();
    ObjectNode configMap = yaml.createObjectNode();
    configMap.put("apiVersion", "v1");
    configMap.put("kind", "ConfigMap");
    configMap.putObject("metadata").put("name", name);
    ObjectNode data = configMap.putObject("data");
    for (JsonNode entry : generator.path("files")) {
      Path source = directory.resolve(entry.asString());
      data.put(source.getFileName().toString(), Files.readString(source));
    }
    String behavior = generator.path("behavior").asString("create");
    boolean existed = objects.removeIf(o -> o.path("kind").asString().equals("ConfigMap")
        && o.path("metadata").path("name").asString().equals(name));
    if (behavior.equals("create") && existed) {
      throw new IllegalArgumentException(directory + ": ConfigMap " + name
          + " exists already; use behavior: replace");
    }
    if (behavior.equals("replace") && !existed) {
      throw new IllegalArgumentException(directory + ": ConfigMap " + name
          + " to replace does not exist");
    }
    if (!behavior.equals("create") && !behavior.equals("replace")) {
      throw new IllegalArgumentException(directory + ": behavior " + behavior
          + " is outside the kustomize subset this test implements");
    }
    objects.add(configMap);
  }
}
