package io.freightwatch.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the {@code dependencies} section and adds the Odoo tenants of each PostgreSQL cluster. */
final class DependencyReader {

  private static final Map<String, RuleSpec.Component> SECTIONS = Map.of(
      "postgres", RuleSpec.Component.POSTGRES, "redis", RuleSpec.Component.REDIS,
      "traefik", RuleSpec.Component.TRAEFIK, "integrations", RuleSpec.Component.INTEGRATION);

  DependencyMap read(YamlNode node, List<PostgresTarget> postgres, List<OdooTarget> odoo) {
    node.allowOnly("postgres", "redis", "traefik", "integrations");
    List<DependencyMap.Dependency> dependencies = new ArrayList<>();
    for (String section : List.of("postgres", "redis", "traefik", "integrations")) {
      YamlNode components = node.section(section);
      for (String name : components.keys()) {
        YamlNode entry = components.section(name);
        entry.allowOnly("tenants", "processes");
        List<String> tenants = strings(entry, "tenants");
        List<String> processes = strings(entry, "processes");
        if (tenants.isEmpty()) {
          entry.problem("lists no tenants; add e.g. tenants: [acme] or remove the entry");
        }
        dependencies.add(new DependencyMap.Dependency(SECTIONS.get(section), name, tenants,
            processes));
      }
    }
    Map<String, String> clusters = new LinkedHashMap<>();
    postgres.forEach(target -> clusters.put(target.name(), target.cluster()));
    DependencyMap map = new DependencyMap(dependencies, clusters);
    for (OdooTarget target : odoo) {
      List<String> tenants = target.tenants().stream().map(OdooTarget.Tenant::name).toList();
      if (!tenants.isEmpty()) {
        map = map.withTenants(RuleSpec.Component.POSTGRES, target.server().cluster(), tenants);
      }
    }
    return map;
  }

  private static List<String> strings(YamlNode node, String key) {
    List<String> values = new ArrayList<>();
    for (YamlNode item : node.list(key)) {
      item.asString().ifPresent(values::add);
    }
    return values;
  }
}
