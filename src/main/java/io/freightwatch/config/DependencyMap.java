package io.freightwatch.config;

import io.freightwatch.config.RuleSpec.Component;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which tenants and business processes depend on which infrastructure component: PostgreSQL
 * clusters, Redis servers, Traefik services and partner integrations. Entries come from the
 * {@code dependencies} section, and every Odoo tenant listed under a PostgreSQL server is added
 * to that server's cluster.
 *
 * @param dependencies one entry per component
 * @param postgresClusters cluster of each PostgreSQL target, by target name
 */
public record DependencyMap(List<Dependency> dependencies, Map<String, String> postgresClusters) {

  public static final DependencyMap EMPTY = new DependencyMap(List.of(), Map.of());

  public DependencyMap {
    dependencies = List.copyOf(dependencies);
    postgresClusters = Map.copyOf(postgresClusters);
  }

  /** Returns the entry of a component, if the map has one. */
  public Optional<Dependency> find(Component kind, String name) {
    return dependencies.stream()
        .filter(d -> d.kind() == kind && d.name().equals(name))
        .findFirst();
  }

  /** Returns a copy where {@code tenants} depend on the component too. */
  DependencyMap withTenants(Component kind, String name, List<String> tenants) {
    List<Dependency> copy = new ArrayList<>();
    boolean found = false;
    for (Dependency dependency : dependencies) {
      if (dependency.kind() == kind && dependency.name().equals(name)) {
        Set<String> merged = new LinkedHashSet<>(dependency.tenants());
        merged.addAll(tenants);
        copy.add(new Dependency(kind, name, List.copyOf(merged), dependency.processes()));
        found = true;
      } else {
        copy.add(dependency);
      }
    }
    if (!found) {
      copy.add(new Dependency(kind, name, tenants, List.of()));
    }
    return new DependencyMap(copy, postgresClusters);
  }

  /**
   * One component and what depends on it.
   *
   * @param kind kind of component
   * @param name its name: cluster, Redis target, Traefik service or integration name
   * @param tenants tenants that stop or degrade when it fails
   * @param processes business processes affected, for alert texts
   */
  public record Dependency(Component kind, String name, List<String> tenants,
      List<String> processes) {
    public Dependency {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      tenants = List.copyOf(tenants);
      processes = List.copyOf(processes);
    }
  }
}
