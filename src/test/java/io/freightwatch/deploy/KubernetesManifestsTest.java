package io.freightwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.ConfigLoader;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Renders every overlay of {@code agent/kubernetes}, parses each object strictly with the fabric8
 * Kubernetes model, checks the PodMonitor and ServiceMonitor by hand, and checks the invariants
 * the agent needs: probes, resources, a locked-down security context, writable paths on volumes
 * only, secrets by reference, no RBAC, and a NetworkPolicy where the agent runs in its own pods.
 */
class KubernetesManifestsTest {

  private static final Path KUBERNETES = Path.of("agent", "kubernetes");
  private static final String OVERLAYS = "daemonset,sidecar,dedicated,multi-tenant";
  private static final long AGENT_USER = 10001;
  private static final int METRICS_PORT = 9187;
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();
  private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
      "ServiceAccount", ServiceAccount.class,
      "ConfigMap", ConfigMap.class,
      "Service", Service.class,
      "PersistentVolumeClaim", PersistentVolumeClaim.class,
      "Deployment", Deployment.class,
      "DaemonSet", DaemonSet.class,
      "StatefulSet", StatefulSet.class,
      "NetworkPolicy", NetworkPolicy.class);
  private static final Set<String> MONITOR_KINDS = Set.of("PodMonitor", "ServiceMonitor");

  @ParameterizedTest
  @ValueSource(strings = {"daemonset", "sidecar", "dedicated", "multi-tenant"})
  void overlayParsesStrictly(String overlay) throws Exception {
    for (ObjectNode object : render(overlay)) {
      String kind = object.path("kind").asString();
      if (MONITOR_KINDS.contains(kind)) {
        MonitorCheck.check(object);
        continue;
      }
      assertThat(MODELS).as("%s: kind %s has a model", overlay, kind).containsKey(kind);
      HasMetadata parsed = YAML.treeToValue(object, MODELS.get(kind));
      assertThat(unknownFields(parsed)).as("%s: fields of %s/%s that the model does not know",
          overlay, kind, parsed.getMetadata().getName()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"daemonset", "sidecar", "dedicated", "multi-tenant"})
  void agentContainerIsLockedDown(String overlay) throws Exception {
    Manifests manifests = Manifests.of(render(overlay));
    PodTemplateSpec template = manifests.agentTemplate();
    Container agent = manifests.agentContainer();
    String port = agent.getPorts().get(0).getName();

    assertThat(agent.getPorts().get(0).getContainerPort()).isEqualTo(METRICS_PORT);
    assertProbe(agent.getLivenessProbe(), "/healthz", port);
    assertProbe(agent.getReadinessProbe(), "/readyz", port);
    assertThat(agent.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(agent.getResources().getLimits()).containsKeys("cpu", "memory");

    SecurityContext security = agent.getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getRunAsUser()).isEqualTo(AGENT_USER);
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(template.getSpec().getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(template.getSpec().getHostPID()).isNotEqualTo(Boolean.TRUE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"daemonset", "sidecar", "dedicated", "multi-tenant"})
  void writablePathsAreVolumes(String overlay) throws Exception {
    Manifests manifests = Manifests.of(render(overlay));
    AgentConfig config = manifests.agentConfig();
    Map<String, VolumeMount> mounts = manifests.agentContainer().getVolumeMounts().stream()
        .collect(Collectors.toMap(VolumeMount::getMountPath, m -> m));

    assertThat(mounts).containsKeys("/tmp", "/etc/freightwatch",
        config.agent().dataDirectory().toString());
    assertThat(mounts.get("/etc/freightwatch").getReadOnly()).isTrue();
    assertThat(mounts.get("/tmp").getReadOnly()).isNotEqualTo(Boolean.TRUE);
    Set<String> declared = new TreeSet<>();
    manifests.agentTemplate().getSpec().getVolumes().stream().map(Volume::getName)
        .forEach(declared::add);
    manifests.claimTemplates().forEach(declared::add);
    for (VolumeMount mount : mounts.values()) {
      assertThat(declared).as("%s: volume of %s", overlay, mount.getMountPath())
          .contains(mount.getName());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"daemonset", "sidecar", "dedicated", "multi-tenant"})
  void secretsComeFromReferences(String overlay) throws Exception {
    Manifests manifests = Manifests.of(render(overlay));
    Container agent = manifests.agentContainer();
    Set<String> fromSecrets = agent.getEnv().stream()
        .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
        .map(EnvVar::getName)
        .collect(Collectors.toSet());
    String configText = manifests.configText();

    assertThat(fromSecrets).contains("FREIGHTWATCH_PG_PASSWORD", "FREIGHTWATCH_REDIS_PASSWORD",
        "FREIGHTWATCH_WEBHOOK_URL");
    for (String variable : fromSecrets) {
      assertThat(configText).as("%s: configuration uses %s", overlay, variable)
          .contains("${env:" + variable + "}");
    }
    assertThat(agent.getEnv()).allSatisfy(env -> assertThat(env.getValue())
        .as("%s: literal value of %s", overlay, env.getName()).isNull());
    assertThat(manifests.kinds()).doesNotContain("Secret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"daemonset", "sidecar", "dedicated", "multi-tenant"})
  void agentNeedsNoKubernetesApi(String overlay) throws Exception {
    Manifests manifests = Manifests.of(render(overlay));

    assertThat(manifests.kinds()).doesNotContain("Role", "ClusterRole", "RoleBinding",
        "ClusterRoleBinding");
    ServiceAccount account = manifests.one(ServiceAccount.class);
    assertThat(account.getAutomountServiceAccountToken()).isFalse();
    if (!overlay.equals("sidecar")) {
      PodSpec pod = manifests.agentTemplate().getSpec();
      assertThat(pod.getServiceAccountName()).isEqualTo(account.getMetadata().getName());
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"daemonset", "dedicated", "multi-tenant"})
  void networkPolicyLimitsTraffic(String overlay) throws Exception {
    Manifests manifests = Manifests.of(render(overlay));
    NetworkPolicy policy = manifests.one(NetworkPolicy.class);
    Map<String, String> podLabels = manifests.agentTemplate().getMetadata().getLabels();

    assertThat(podLabels).containsAllEntriesOf(
        policy.getSpec().getPodSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(policy.getSpec().getIngress()).hasSize(1);
    assertThat(policy.getSpec().getIngress().get(0).getPorts())
        .extracting(p -> p.getPort().getIntVal()).containsExactly(METRICS_PORT);
    assertThat(policy.getSpec().getIngress().get(0).getFrom().get(0).getNamespaceSelector()
        .getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "monitoring");
    Set<String> egress = new TreeSet<>();
    for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
      assertThat(rule.getPorts()).as("%s: egress rule without ports", overlay).isNotEmpty();
      for (NetworkPolicyPort port : rule.getPorts()) {
        egress.add(port.getProtocol() + "/" + port.getPort().getIntVal());
      }
    }
    assertThat(egress).containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/5432", "TCP/6379",
        "TCP/6380", "TCP/9100", "TCP/8069", "TCP/443");
  }

  @ParameterizedTest
  @ValueSource(strings = {"daemonset", "sidecar", "dedicated", "multi-tenant"})
  void monitorSelectsAgentPods(String overlay) throws Exception {
    Manifests manifests = Manifests.of(render(overlay));
    List<ObjectNode> monitors = manifests.monitors();
    Map<String, String> podLabels = manifests.agentTemplate().getMetadata().getLabels();
    String port = manifests.agentContainer().getPorts().get(0).getName();

    assertThat(monitors).hasSize(1);
    ObjectNode monitor = monitors.get(0);
    Map<String, String> selector = YAML.treeToValue(monitor.path("spec").path("selector")
        .path("matchLabels"), Map.class);
    JsonNode endpoint = monitor.path("kind").asString().equals("PodMonitor")
        ? monitor.path("spec").path("podMetricsEndpoints").get(0)
        : monitor.path("spec").path("endpoints").get(0);
    if (monitor.path("kind").asString().equals("PodMonitor")) {
      assertThat(podLabels).containsAllEntriesOf(selector);
      assertThat(endpoint.path("port").asString()).isEqualTo(port);
    } else {
      Service service = manifests.one(Service.class);
      assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector);
      assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
      assertThat(service.getSpec().getPorts().get(0).getName())
          .isEqualTo(endpoint.path("port").asString());
    }
    assertThat(endpoint.path("honorLabels").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"daemonset", "sidecar", "dedicated", "multi-tenant"})
  void exampleConfigurationIsValid(String overlay) throws Exception {
    AgentConfig config = Manifests.of(render(overlay)).agentConfig();

    assertThat(config.agent().listenPort()).isEqualTo(METRICS_PORT);
    assertThat(config.rules().specs()).isNotEmpty();
  }

  @org.junit.jupiter.api.Test
  void statefulSetShardsByOrdinal() throws Exception {
    Manifests manifests = Manifests.of(render("multi-tenant"));
    StatefulSet statefulSet = manifests.one(StatefulSet.class);
    JsonNode shard = YAML.readTree(manifests.configText()).path("agent").path("shard");

    // The ordinal comes from HOSTNAME, which is the pod name only while the template sets
    // neither a hostname nor its own HOSTNAME variable.
    assertThat(statefulSet.getSpec().getTemplate().getSpec().getHostname()).isNull();
    assertThat(manifests.agentContainer().getEnv()).extracting(EnvVar::getName)
        .doesNotContain("HOSTNAME");
    assertThat(shard.path("index").asString()).isEqualTo("ordinal");
    assertThat(shard.path("count").asInt()).isEqualTo(statefulSet.getSpec().getReplicas());
    assertThat(manifests.agentConfig().agent().shard())
        .isEqualTo(new io.freightwatch.config.Shard(1, statefulSet.getSpec().getReplicas()));
    assertThat(statefulSet.getSpec().getServiceName())
        .isEqualTo(manifests.one(Service.class).getMetadata().getName());
    assertThat(manifests.one(Service.class).getSpec().getClusterIP()).isEqualTo("None");
  }

  @org.junit.jupiter.api.Test
  void subsetMatchesKubectlKustomize(@TempDir Path dir) throws Exception {
    Path kubectl = Path.of("/usr/bin/kubectl");
    Assumptions.assumeTrue(Files.isExecutable(kubectl),
        "kubectl not found at /usr/bin/kubectl; the comparison with kubectl kustomize is"
            + " skipped (the other checks use the test's own kustomize subset)");
    for (String overlay : OVERLAYS.split(",")) {
      Path output = dir.resolve(overlay + ".yaml");
      Process process = new ProcessBuilder(kubectl.toString(), "kustomize",
          KUBERNETES.resolve("overlays").resolve(overlay).toString())
          .redirectOutput(output.toFile())
          .redirectError(dir.resolve(overlay + ".err").toFile())
          .start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
      assertThat(process.exitValue()).as("kubectl kustomize %s: %s", overlay,
          Files.readString(dir.resolve(overlay + ".err"))).isZero();

      Kustomize kustomize = new Kustomize(YAML);
      assertThat(Set.copyOf(kustomize.readObjects(output)))
          .as("kubectl kustomize output of %s", overlay)
          .isEqualTo(Set.copyOf(render(overlay)));
    }
  }

  static List<ObjectNode> render(String overlay) throws IOException {
    return new Kustomize(YAML).build(KUBERNETES.resolve("overlays").resolve(overlay));
  }

  private static void assertProbe(Probe probe, String path, String port) {
    assertThat(probe).as("probe on %s", path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo(port);
    assertThat(probe.getTimeoutSeconds()).isNotNull();
  }

  /**
   * Returns the paths of fields that fabric8 parked in {@code additionalProperties}: the fields
   * its model does not know. fabric8 classes accept any field that way, so unknown fields do not
   * fail the parse itself.
   */
  private static List<String> unknownFields(Object root) throws Exception {
    List<String> unknown = new ArrayList<>();
    walk(root, root.getClass().getSimpleName(), unknown, new IdentityHashMap<>());
    return unknown;
  }

  private static void walk(Object value, String path, List<String> unknown,
      IdentityHashMap<Object, Boolean> seen) throws Exception {
    if (value == null || seen.put(value, Boolean.TRUE) != null) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int index = 0;
      for (Object item : items) {
        walk(item, path + "[" + index++ + "]", unknown, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        walk(entry.getValue(), path + "." + entry.getKey(), unknown, seen);
      }
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method method : value.getClass().getMethods()) {
      if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
          || !method.getName().startsWith("get") || method.getName().equals("getClass")) {
        continue;
      }
      Object child = method.invoke(value);
      if (method.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": " + extra.keySet());
        }
        continue;
      }
      walk(child, path + "." + method.getName().substring(3), unknown, seen);
    }
  }

  /** The rendered objects of one overlay, with accessors for the agent's parts. */
  private record Manifests(List<ObjectNode> objects) {

    static Manifests of(List<ObjectNode> objects) {
      return new Manifests(objects);
    }

    Set<String> kinds() {
      return objects.stream().map(o -> o.path("kind").asString()).collect(Collectors.toSet());
    }

    <T extends HasMetadata> T one(Class<T> type) {
      List<T> found = new ArrayList<>();
      for (ObjectNode object : objects) {
        if (object.path("kind").asString().equals(type.getSimpleName())) {
          found.add(YAML.treeToValue(object, type));
        }
      }
      assertThat(found).as("objects of kind %s", type.getSimpleName()).hasSize(1);
      return found.get(0);
    }

    List<ObjectNode> monitors() {
      return objects.stream().filter(o -> MONITOR_KINDS.contains(o.path("kind").asString()))
          .toList();
    }

    PodTemplateSpec agentTemplate() {
      for (ObjectNode object : objects) {
        switch (object.path("kind").asString()) {
          case "Deployment":
            return YAML.treeToValue(object, Deployment.class).getSpec().getTemplate();
          case "DaemonSet":
            return YAML.treeToValue(object, DaemonSet.class).getSpec().getTemplate();
          case "StatefulSet":
            return YAML.treeToValue(object, StatefulSet.class).getSpec().getTemplate();
          default:
            break;
        }
      }
      throw new AssertionError("no workload among " + kinds());
    }

    Container agentContainer() {
      return agentTemplate().getSpec().getContainers().stream()
          .filter(c -> c.getName().equals("freightwatch"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no container named freightwatch"));
    }

    List<String> claimTemplates() {
      List<String> names = new ArrayList<>();
      for (ObjectNode object : objects) {
        if (object.path("kind").asString().equals("StatefulSet")) {
          YAML.treeToValue(object, StatefulSet.class).getSpec().getVolumeClaimTemplates()
              .forEach(claim -> names.add(claim.getMetadata().getName()));
        }
      }
      return names;
    }

    /** Returns the freightwatch.yaml of the ConfigMap the agent container mounts. */
    String configText() {
      String mount = agentContainer().getVolumeMounts().stream()
          .filter(m -> m.getMountPath().equals("/etc/freightwatch"))
          .findFirst().orElseThrow().getName();
      String configMap = agentTemplate().getSpec().getVolumes().stream()
          .filter(v -> v.getName().equals(mount))
          .findFirst().orElseThrow().getConfigMap().getName();
      ConfigMap found = objects.stream()
          .filter(o -> o.path("kind").asString().equals("ConfigMap"))
          .map(o -> YAML.treeToValue(o, ConfigMap.class))
          .filter(c -> c.getMetadata().getName().equals(configMap))
          .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + configMap));
      return found.getData().get("freightwatch.yaml");
    }

    /**
     * Loads the mounted configuration as the agent would, with the image's rule directory
     * replaced by the repository's and placeholder values for the secret variables.
     */
    AgentConfig agentConfig() throws Exception {
      Path dir = Files.createTempDirectory("freightwatch-manifest");
      try {
        Path file = dir.resolve("freightwatch.yaml");
        Files.writeString(file, configText().replace("/opt/freightwatch/alert-rules",
            Path.of("alert-rules").toAbsolutePath().toString()));
        Map<String, String> environment = Map.of(
            "FREIGHTWATCH_PG_PASSWORD", "placeholder",
            "FREIGHTWATCH_REDIS_PASSWORD", "placeholder",
            "FREIGHTWATCH_WEBHOOK_URL", "https://hooks.example.invalid/freightwatch",
            "HOSTNAME", "freightwatch-1");
        return new ConfigLoader(environment).load(file);
      } finally {
        try (var files = Files.walk(dir)) {
          for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(path);
          }
        }
      }
    }
  }

  /** Strict hand-written check of the Prometheus Operator's PodMonitor and ServiceMonitor. */
  private static final class MonitorCheck {

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final Set<String> METADATA = Set.of("name", "namespace", "labels",
        "annotations");
    private static final Set<String> SPEC = Set.of("selector", "endpoints",
        "podMetricsEndpoints", "namespaceSelector", "jobLabel", "podTargetLabels",
        "targetLabels");
    private static final Set<String> ENDPOINT = Set.of("port", "path", "interval",
        "scrapeTimeout", "honorLabels", "scheme", "relabelings", "metricRelabelings");

    static void check(ObjectNode monitor) {
      String kind = monitor.path("kind").asString();
      assertThat(monitor.path("apiVersion").asString()).isEqualTo("monitoring.coreos.com/v1");
      assertKeys(monitor, TOP, kind);
      assertKeys(monitor.path("metadata"), METADATA, kind + ".metadata");
      assertKeys(monitor.path("spec"), SPEC, kind + ".spec");
      assertKeys(monitor.path("spec").path("selector"), Set.of("matchLabels"),
          kind + ".spec.selector");
      String endpoints = kind.equals("PodMonitor") ? "podMetricsEndpoints" : "endpoints";
      assertThat(monitor.path("spec").path(endpoints).isArray()).as(kind + " " + endpoints)
          .isTrue();
      for (JsonNode endpoint : monitor.path("spec").path(endpoints)) {
        assertKeys(endpoint, ENDPOINT, kind + ".spec." + endpoints);
        assertThat(endpoint.path("port").isString()).isTrue();
        assertThat(endpoint.path("path").asString()).isEqualTo("/metrics");
        assertThat(endpoint.path("honorLabels").isBoolean()).isTrue();
        Duration interval = promDuration(endpoint.path("interval").asString());
        Duration timeout = promDuration(endpoint.path("scrapeTimeout").asString());
        assertThat(timeout).isLessThanOrEqualTo(interval);
      }
    }

    private static void assertKeys(JsonNode node, Set<String> allowed, String where) {
      assertThat(node.isObject()).as("%s is a mapping", where).isTrue();
      assertThat(node.propertyNames()).as("keys of %s", where).isSubsetOf(allowed);
    }

    private static Duration promDuration(String text) {
      assertThat(text).matches("[0-9]+(ms|s|m|h)");
      long amount = Long.parseLong(text.replaceAll("[a-z]+$", ""));
      return switch (text.replaceAll("^[0-9]+", "")) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
  }
}
