package io.freightwatch.config;

import java.util.List;

/**
 * Everything read from a rule directory: alert rules and SLOs.
 *
 * @param rules alert rules, in file and then file order
 * @param slos service level objectives
 */
public record RuleSet(List<RuleSpec> rules, List<SloSpec> slos) {

  public RuleSet {
    rules = List.copyOf(rules);
    slos = List.copyOf(slos);
  }
}
