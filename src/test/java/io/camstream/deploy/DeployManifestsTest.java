package io.camstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the Kubernetes manifests under {@code deploy/} and {@code docker-compose.yml} as data: what an operator
 * relies on (GPU for the explainer, health probes, read-only models, the token from a Secret, every reference
 * resolving) is asserted on the real files, so a careless edit fails the build instead of a rollout.
 */
class DeployManifestsTest {

  static final YAMLMapper YAML = new YAMLMapper();
  static final int METRICS_PORT = 9404;

  /** One YAML document and the file it came from. */
  record Doc(String file, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }
  }

  static List<Doc> docs;
  static JsonNode compose;

  @BeforeAll
  static void load() throws IOException {
    List<Doc> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("deploy"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
          .toList()) {
        try (var it = YAML.readValues(YAML.createParser(f.toFile()), JsonNode.class)) {
          while (it.hasNext()) {
            JsonNode n = it.next();
            if (n != null && !n.isNull() && !n.isMissingNode()) {
              all.add(new Doc(f.getFileName().toString(), n));
            }
          }
        }
      }
    }
    docs = all;
    compose = YAML.readTree(Path.of("docker-compose.yml").toFile());
  }

  static List<Doc> ofKind(String kind) {
    return docs.stream().filter(d -> d.kind().equals(kind)).toList();
  }

  /** The pod-running workloads: Deployments and the explainer's StatefulSet. */
  static List<Doc> workloads() {
    return docs.stream().filter(d -> d.kind().equals("Deployment") || d.kind().equals("StatefulSet")).toList();
  }

  static Doc named(String kind, String name) {
    return ofKind(kind).stream().filter(d -> d.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " under deploy/"));
  }

  // ---- Kubernetes ----

  @Test
  void everyDocumentIsANamespacelessNamedResourceAndKustomizeListsEveryFile() throws IOException {
    assertThat(ofKind("Deployment")).extracting(Doc::name)
        .containsExactlyInAnyOrder("camstream-router", "camstream-review");
    assertThat(ofKind("StatefulSet")).extracting(Doc::name).containsExactly("camstream-explainer");
    for (Doc d : docs) {
      assertThat(d.node().path("apiVersion").asText()).as(d.file()).isNotBlank();
      if (!d.kind().equals("Kustomization")) {
        assertThat(d.name()).as(d.file() + " metadata.name").isNotBlank();
        assertThat(d.node().path("metadata").has("namespace")).as(d.file() + " names no namespace").isFalse();
      }
    }
    Set<String> listed = new TreeSet<>();
    ofKind("Kustomization").get(0).node().path("resources").forEach(r -> listed.add(r.asText()));
    Set<String> files = new TreeSet<>();
    try (Stream<Path> s = Files.list(Path.of("deploy"))) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
          .forEach(files::add);
    }
    assertThat(listed).isEqualTo(files);
  }

  @Test
  void everyDeploymentIsProbedOnHealthAndScrapedByPrometheus() {
    for (Doc d : workloads()) {
      assertThat(deploymentProblems(d.node())).as(d.name()).isEmpty();
    }
  }

  @Test
  void theExplainerRequestsOneGpuAndRunsTheGpuImageOnGpuDevices() {
    JsonNode explainer = named("StatefulSet", "camstream-explainer").node();
    assertThat(gpuProblems(explainer)).isEmpty();
    JsonNode c = containers(explainer).get(0);
    assertThat(c.path("image").asText()).endsWith("-gpu");
    assertThat(env(c, "CAMSTREAM_EXPLAINER_DEVICES").path("value").asText()).startsWith("gpu:");
    for (String other : List.of("camstream-router", "camstream-review")) {
      assertThat(containers(named("Deployment", other).node()))
          .allSatisfy(rc -> assertThat(rc.path("resources").toString()).doesNotContain("nvidia.com/gpu"));
    }
  }

  @Test
  void modelsComeFromTheClaimReadOnlyWhereverTheyAreMounted() {
    named("PersistentVolumeClaim", "camstream-models");
    int mounts = 0;
    for (Doc d : workloads()) {
      JsonNode pod = pod(d.node());
      for (JsonNode v : pod.path("volumes")) {
        if (v.path("persistentVolumeClaim").path("claimName").asText().equals("camstream-models")) {
          assertThat(v.path("persistentVolumeClaim").path("readOnly").asBoolean()).as(d.name()).isTrue();
          for (JsonNode c : containers(d.node())) {
            for (JsonNode m : c.path("volumeMounts")) {
              if (m.path("name").asText().equals(v.path("name").asText())) {
                assertThat(m.path("readOnly").asBoolean()).as(d.name() + " mount").isTrue();
                assertThat(m.path("mountPath").asText()).isEqualTo("/shared/models");
                mounts++;
              }
            }
          }
        }
      }
    }
    assertThat(mounts).as("the explainer at least mounts the models").isGreaterThanOrEqualTo(1);
    assertThat(pod(named("StatefulSet", "camstream-explainer").node()).path("volumes").toString())
        .contains("camstream-models");
  }

  @Test
  void everyReferenceResolvesAndTheTokenComesFromASecret() {
    Set<String> claims = names("PersistentVolumeClaim");
    Set<String> configMaps = names("ConfigMap");
    for (Doc d : docs) {
      if (!d.kind().equals("Deployment") && !d.kind().equals("StatefulSet") && !d.kind().equals("Job")) {
        continue;
      }
      JsonNode pod = pod(d.node());
      Set<String> volumes = new HashSet<>();
      d.node().path("spec").path("volumeClaimTemplates")
          .forEach(t -> volumes.add(t.path("metadata").path("name").asText()));
      for (JsonNode v : pod.path("volumes")) {
        volumes.add(v.path("name").asText());
        if (v.has("persistentVolumeClaim")) {
          assertThat(claims).as(d.name()).contains(v.path("persistentVolumeClaim").path("claimName").asText());
        }
        if (v.has("configMap")) {
          assertThat(configMaps).as(d.name()).contains(v.path("configMap").path("name").asText());
        }
      }
      for (JsonNode c : pod.path("containers")) {
        c.path("volumeMounts").forEach(m -> assertThat(volumes).as(d.name()).contains(m.path("name").asText()));
      }
    }
    JsonNode token = env(containers(named("Deployment", "camstream-review").node()).get(0), "CAMSTREAM_REVIEW_TOKEN");
    assertThat(token.has("value")).as("no literal token in a manifest").isFalse();
    assertThat(token.path("valueFrom").path("secretKeyRef").path("name").asText()).isEqualTo("camstream-review");
  }

  @Test
  void theReviewServiceReachesTheReviewPodsUiPort() {
    JsonNode service = named("Service", "camstream-review").node();
    JsonNode review = named("Deployment", "camstream-review").node();
    JsonNode labels = review.path("spec").path("template").path("metadata").path("labels");
    service.path("spec").path("selector").properties()
        .forEach(e -> assertThat(labels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
    assertThat(service.path("spec").path("selector").size()).isPositive();
    String target = service.path("spec").path("ports").get(0).path("targetPort").asText();
    assertThat(containerPort(containers(review).get(0), target)).isEqualTo(8080);
  }

  @Test
  void theConfigMapHoldsAConfigFileThatAgreesWithTheProbes() throws IOException {
    JsonNode config = YAML.readTree(named("ConfigMap", "camstream-config").node().path("data")
        .path("camstream.yaml").asText());
    assertThat(config.path("bootstrap.servers").asText()).contains(":");
    assertThat(config.path("metrics.port").asInt()).isEqualTo(METRICS_PORT);
    for (Doc d : workloads()) {
      assertThat(containers(d.node()).get(0).path("args").toString()).as(d.name())
          .contains("/etc/camstream/camstream.yaml");
    }
  }

  @Test
  void theExplainerIsAStatefulSetWithItsStateOnAVolumeAndItsPodNameAsStaticMembership() throws IOException {
    JsonNode explainer = named("StatefulSet", "camstream-explainer").node();
    JsonNode service = named("Service", explainer.path("spec").path("serviceName").asText()).node();
    assertThat(service.path("spec").path("clusterIP").asText()).isEqualTo("None");
    JsonNode c = containers(explainer).get(0);
    assertThat(env(c, "CAMSTREAM_EXPLAINER_INSTANCE_ID").path("valueFrom").path("fieldRef").path("fieldPath")
        .asText()).isEqualTo("metadata.name");
    // the data dir (Streams state, transactional process id, program cache) is the claim template's volume
    JsonNode config = YAML.readTree(named("ConfigMap", "camstream-config").node().path("data")
        .path("camstream.yaml").asText());
    String dataDir = config.path("data.dir").asText();
    JsonNode template = explainer.path("spec").path("volumeClaimTemplates").get(0);
    assertThat(c.path("volumeMounts").toString()).contains("\"name\":\"" + template.path("metadata").path("name")
        .asText() + "\",\"mountPath\":\"" + dataDir + "\"");
    assertThat(pod(explainer).path("volumes").toString()).doesNotContain("emptyDir");
    // worker processes live in the container: the request covers the role's heap plus one worker per GPU
    String workers = env(c, "CAMSTREAM_EXPLAINER_WORKERS_PER_DEVICE").path("value").asText();
    assertThat(Integer.parseInt(workers)).isPositive();
    assertThat(gib(c.path("resources").path("requests").path("memory").asText()))
        .isGreaterThanOrEqualTo(1 + Integer.parseInt(workers) * 3);
  }

  private static int gib(String quantity) {
    assertThat(quantity).endsWith("Gi");
    return Integer.parseInt(quantity.substring(0, quantity.length() - 2));
  }

  @Test
  void theChecksCatchABrokenManifest() throws IOException {
    ObjectNode broken = named("StatefulSet", "camstream-explainer").node().deepCopy();
    ObjectNode c = (ObjectNode) broken.path("spec").path("template").path("spec").path("containers").get(0);
    ((ObjectNode) c.path("resources").path("limits")).remove("nvidia.com/gpu");
    ((ObjectNode) c.path("livenessProbe").path("httpGet")).put("path", "/");
    c.remove("readinessProbe");
    ((ObjectNode) broken.path("spec").path("template").path("metadata").path("annotations"))
        .remove("prometheus.io/scrape");
    assertThat(gpuProblems(broken)).containsExactly("explainer: limits nvidia.com/gpu is not 1");
    assertThat(deploymentProblems(broken)).containsExactlyInAnyOrder(
        "explainer: livenessProbe is not an HTTP GET of /health on the metrics port",
        "explainer: readinessProbe is not an HTTP GET of /health on the metrics port",
        "pod template lacks prometheus.io/scrape=true");
  }

  static List<String> deploymentProblems(JsonNode deployment) {
    List<String> problems = new ArrayList<>();
    JsonNode template = deployment.path("spec").path("template");
    JsonNode labels = template.path("metadata").path("labels");
    JsonNode match = deployment.path("spec").path("selector").path("matchLabels");
    if (match.isEmpty()) {
      problems.add("selector.matchLabels is empty");
    }
    match.properties().forEach(e -> {
      if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
        problems.add("selector label " + e.getKey() + " is not on the pod template");
      }
    });
    JsonNode annotations = template.path("metadata").path("annotations");
    if (!annotations.path("prometheus.io/scrape").asText().equals("true")) {
      problems.add("pod template lacks prometheus.io/scrape=true");
    }
    if (!annotations.path("prometheus.io/port").asText().equals(String.valueOf(METRICS_PORT))) {
      problems.add("pod template's prometheus.io/port is not " + METRICS_PORT);
    }
    for (JsonNode c : containers(deployment)) {
      for (String probe : List.of("livenessProbe", "readinessProbe")) {
        JsonNode get = c.path(probe).path("httpGet");
        boolean ok = get.path("path").asText().equals("/health")
            && containerPort(c, get.path("port").asText()) == METRICS_PORT;
        if (!ok) {
          problems.add(c.path("name").asText() + ": " + probe + " is not an HTTP GET of /health on the metrics port");
        }
      }
    }
    return problems;
  }

  static List<String> gpuProblems(JsonNode deployment) {
    List<String> problems = new ArrayList<>();
    for (JsonNode c : containers(deployment)) {
      for (String side : List.of("requests", "limits")) {
        if (!c.path("resources").path(side).path("nvidia.com/gpu").asText().equals("1")) {
          problems.add(c.path("name").asText() + ": " + side + " nvidia.com/gpu is not 1");
        }
      }
    }
    return problems;
  }

  /** The number of a container port given by name or number; -1 when the container declares no such port. */
  static int containerPort(JsonNode container, String nameOrNumber) {
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(nameOrNumber) || p.path("containerPort").asText().equals(nameOrNumber)) {
        return p.path("containerPort").asInt();
      }
    }
    return -1;
  }

  static JsonNode pod(JsonNode workload) {
    return workload.path("spec").path("template").path("spec");
  }

  static List<JsonNode> containers(JsonNode workload) {
    List<JsonNode> out = new ArrayList<>();
    pod(workload).path("containers").forEach(out::add);
    return out;
  }

  static JsonNode env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals(name)) {
        return e;
      }
    }
    throw new AssertionError(container.path("name").asText() + " does not set " + name);
  }

  static Set<String> names(String kind) {
    Set<String> out = new TreeSet<>();
    ofKind(kind).forEach(d -> out.add(d.name()));
    return out;
  }

  // ---- docker compose ----

  @Test
  void composeRunsKraftKafkaAndEveryCamstreamRoleAgainstIt() {
    JsonNode services = compose.path("services");
    JsonNode kafka = services.path("kafka");
    assertThat(kafka.path("image").asText()).isEqualTo("apache/kafka:4.1.0");
    assertThat(kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
    String advertised = kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
    assertThat(kafka.path("healthcheck").path("test").toString()).contains("kafka-broker-api-versions");

    Set<String> roles = new TreeSet<>();
    Set<String> declaredVolumes = new HashSet<>();
    compose.path("volumes").properties().forEach(e -> declaredVolumes.add(e.getKey()));
    for (Map.Entry<String, JsonNode> e : services.properties()) {
      if (e.getKey().equals("kafka")) {
        continue;
      }
      JsonNode s = e.getValue();
      String name = e.getKey();
      assertThat(s.path("depends_on").path("kafka").path("condition").asText()).as(name)
          .isEqualTo("service_healthy");
      String bootstrap = s.path("environment").path("CAMSTREAM_BOOTSTRAP_SERVERS").asText();
      assertThat(bootstrap).as(name).startsWith("kafka:");
      assertThat(advertised).as(name + " connects to an advertised listener").contains("//" + bootstrap);
      List<String> command = new ArrayList<>();
      s.path("command").forEach(a -> command.add(a.asText()));
      assertThat(command).as(name).startsWith("run", "--role");
      roles.add(command.get(2));
      for (JsonNode v : s.path("volumes")) {
        String[] parts = v.asText().split(":");
        if (!parts[0].startsWith(".") && !parts[0].startsWith("/")) {
          assertThat(declaredVolumes).as(name + " volume " + parts[0]).contains(parts[0]);
        }
        if (parts[0].equals("../shared/models")) {
          assertThat(parts).as(name + " models are read-only").hasSize(3).endsWith("ro");
        }
      }
    }
    assertThat(roles).containsExactly("explainer", "review", "router");
    assertThat(services.path("explainer").path("volumes").toString()).contains("../shared/models:/shared/models:ro");
    assertThat(services.path("explainer-gpu").path("deploy").toString()).contains("\"gpu\"");
    assertThat(services.path("review").path("environment").path("CAMSTREAM_REVIEW_TOKEN").asText())
        .startsWith("${CAMSTREAM_REVIEW_TOKEN:?");
  }
}
