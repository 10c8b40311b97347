package io.freightwatch.config;

import java.util.Objects;

/**
 * Notification routing, read from {@code notify}; the receivers themselves are in {@link
 * AgentConfig#receivers()}.
 *
 * @param route root of the routing tree; {@link RouteConfig#perReceiver} when the file has none
 * @param fallbackReceiver receiver for alerts that no route accepts and for the agent's own
 *     "notification given up" alerts; empty when not set
 */
public record NotifyConfig(RouteConfig route, String fallbackReceiver) {

  public NotifyConfig {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(fallbackReceiver, "fallbackReceiver");
  }
}
