package io.freightwatch.collect;

import java.util.Objects;

/**
 * Identity of one scrape target.
 *
 * @param source kind of system, for example {@code postgres}, {@code odoo}, {@code redis}, {@code
 *     traefik}
 * @param name configured name of the target, unique within its source (for Odoo: the tenant)
 */
public record TargetId(String source, String name) {

  public TargetId {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return source + "/" + name;
  }
}
