package io.freightwatch.notify;

import io.freightwatch.config.RouteConfig;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The routing tree with Alertmanager's matching rules: the root accepts every alert; children are
 * tried in order; the first child that accepts an alert takes it unless it sets {@code continue}; a
 * node whose children all decline keeps the alert itself. Pure and immutable.
 */
final class RouteTree {

  private final Node root;

  RouteTree(RouteConfig root) {
    this.root = build(root, "0");
  }

  /**
   * Returns the routes that take an alert with {@code labels}: at least one unless the tree's root
   * has no receiver (the tree built from per-receiver matchers), where it may be none.
   */
  List<Route> match(Labels labels) {
    List<Route> result = new ArrayList<>();
    collect(root, labels, result);
    result.removeIf(route -> route.config().receiver().isEmpty());
    return result;
  }

  private static boolean collect(Node node, Labels labels, List<Route> result) {
    for (LabelMatcher matcher : node.route.config().matchers()) {
      if (!matcher.matches(labels)) {
        return false;
      }
    }
    int before = result.size();
    for (Node child : node.children) {
      if (collect(child, labels, result) && !child.route.config().continueMatching()) {
        break;
      }
    }
    if (result.size() == before) {
      result.add(node.route);
    }
    return true;
  }

  private static Node build(RouteConfig config, String id) {
    List<Node> children = new ArrayList<>();
    for (int i = 0; i < config.routes().size(); i++) {
      children.add(build(config.routes().get(i), id + "." + i));
    }
    return new Node(new Route(id, config), children);
  }

  /**
   * One node of the tree.
   *
   * @param id position in the tree, such as {@code 0.2.1}; part of group keys
   * @param config the node's settings, with inherited values filled in
   */
  record Route(String id, RouteConfig config) {
    Route {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(config, "config");
    }

    /** Returns the group labels of an alert with {@code labels} on this route. */
    Labels groupLabels(Labels labels) {
      if (config.groupByAll()) {
        return labels;
      }
      Labels result = Labels.EMPTY;
      for (String name : config.groupBy()) {
        result = result.with(name, labels.get(name));
      }
      return result;
    }
  }

  private record Node(Route route, List<Node> children) {}
}
