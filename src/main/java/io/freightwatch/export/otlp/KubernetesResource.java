package io.freightwatch.export.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.util.List;
import java.util.Map;

/**
 * The OpenTelemetry resource of this agent: {@code service.name}, {@code service.version} and, in
 * Kubernetes, the pod, namespace and node from the downward API. The pod spec passes them as
 * environment variables; the OpenTelemetry names ({@code K8S_POD_NAME}, {@code K8S_NAMESPACE_NAME},
 * {@code K8S_NODE_NAME}) are read first, then the common short ones ({@code POD_NAME}, {@code
 * POD_NAMESPACE}, {@code NODE_NAME}).
 */
public final class KubernetesResource {

  private KubernetesResource() {}

  /**
   * @param environment the process environment
   * @param extra attributes from the configuration; they win over the ones above
   */
  public static Resource of(
      Map<String, String> environment, String version, Map<String, String> extra) {
    AttributesBuilder attributes =
        Attributes.builder().put("service.name", "freightwatch").put("service.version", version);
    put(attributes, environment, "k8s.pod.name", List.of("K8S_POD_NAME", "POD_NAME"));
    put(
        attributes,
        environment,
        "k8s.namespace.name",
        List.of("K8S_NAMESPACE_NAME", "POD_NAMESPACE"));
    put(attributes, environment, "k8s.node.name", List.of("K8S_NODE_NAME", "NODE_NAME"));
    put(attributes, environment, "service.instance.id", List.of("K8S_POD_NAME", "POD_NAME"));
    extra.forEach(attributes::put);
    return Resource.create(attributes.build());
  }

  private static void put(
      AttributesBuilder attributes,
      Map<String, String> environment,
      String key,
      List<String> variables) {
    for (String variable : variables) {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        attributes.put(key, value);
        return;
      }
    }
  }
}
