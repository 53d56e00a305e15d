package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped deployment files agree with the server and with each other: probes on the
 * management endpoints, grace periods that cover the graceful shutdown, selectors that select.
 */
class DeploymentManifestsTest {

    private static final Path DEPLOY = Path.of("..", "docs", "deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode manifest(String name) throws IOException {
        return YAML.readTree(DEPLOY.resolve("k8s").resolve(name).toFile());
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (name.equals(variable.path("name").asText())) {
                return variable.path("value").asText();
            }
        }
        throw new AssertionError(name + " is not set in the Deployment");
    }

    @Test
    @DisplayName("the Deployment probes /ready and /health, and its grace period covers preStop plus the server's shutdown grace")
    void deploymentMatchesTheServer() throws IOException {
        JsonNode pod = manifest("deployment.yaml").at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");

        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health");
        assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("management");
        assertThat(container.path("ports").findValuesAsText("containerPort")).containsExactly("8080", "9090");
        int grace = Integer.parseInt(env(container, "STREAM_SHUTDOWN_GRACE_S"));
        int preStop = container.at("/lifecycle/preStop/sleep/seconds").asInt();
        assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThan(preStop + grace);
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
        // the kubelet probes the pod's address: a loopback management listener would fail every probe
        assertThat(container.path("env").findValuesAsText("name")).doesNotContain("STREAM_MANAGEMENT_HOST");
        assertThat(container.path("env").findValues("name").stream()
                .anyMatch(name -> "STREAM_MANAGEMENT_TOKEN".equals(name.asText()))).isTrue();
        ServerSettings settings = EnvironmentConfig.parse(java.util.Map.of("STREAM_SHUTDOWN_GRACE_S", String.valueOf(grace),
                "STREAM_WORKERS", env(container, "STREAM_WORKERS"), "STREAM_MAX_SESSIONS", env(container, "STREAM_MAX_SESSIONS"),
                "STREAM_MAX_PENDING_CONNECTIONS_PER_ADDRESS", env(container, "STREAM_MAX_PENDING_CONNECTIONS_PER_ADDRESS")));
        // behind the ingress every client has an ingress pod's address before its handshake
        assertThat(settings.connections().maxPendingPerAddress()).isZero();
    }

    @Test
    @DisplayName("the Service, autoscaler and disruption budget select the Deployment's pods")
    void selectorsSelect() throws IOException {
        JsonNode deployment = manifest("deployment.yaml");
        JsonNode labels = deployment.at("/spec/template/metadata/labels");

        assertThat(manifest("service.yaml").at("/spec/selector")).isEqualTo(labels);
        assertThat(manifest("pdb.yaml").at("/spec/selector/matchLabels")).isEqualTo(labels);
        assertThat(manifest("service.yaml").at("/spec/ports").findValuesAsText("targetPort")).containsExactly("stream", "management");
        assertThat(manifest("hpa.yaml").at("/spec/scaleTargetRef/name").asText()).isEqualTo(deployment.at("/metadata/name").asText());
        assertThat(manifest("hpa.yaml").at("/spec/minReplicas").asInt()).isGreaterThan(manifest("pdb.yaml").at("/spec/maxUnavailable").asInt());
    }

    @Test
    @DisplayName("the Dockerfile runs as non-root, checks health, and stops within docker stop's 10 s")
    void dockerfile() throws IOException {
        String dockerfile = Files.readString(Path.of("..", "Dockerfile"));

        assertThat(dockerfile).contains("USER 10001:10001", "STOPSIGNAL SIGTERM", "HEALTHCHECK", "\"health\"",
                "ARG JRE_IMAGE=");
        Matcher grace = Pattern.compile("STREAM_SHUTDOWN_GRACE_S=(\\d+)").matcher(dockerfile);
        assertThat(grace.find()).isTrue();
        assertThat(Integer.parseInt(grace.group(1))).isLessThan(10);
    }

    @Test
    @DisplayName("the sources StatefulSet gives every pod its own sources file, each camera on exactly one pod, and every file and the pipelines load")
    void sourcesStatefulSet() throws Exception {
        java.util.List<JsonNode> documents = YAML.readValues(YAML.getFactory().createParser(
                DEPLOY.resolve("k8s").resolve("sources-statefulset.yaml").toFile()), JsonNode.class).readAll();
        JsonNode set = documents.stream().filter(d -> "StatefulSet".equals(d.path("kind").asText())).findFirst().orElseThrow();
        JsonNode sources = documents.stream().filter(d -> "ConfigMap".equals(d.path("kind").asText())
                && "streaming-sources".equals(d.at("/metadata/name").asText())).findFirst().orElseThrow();
        JsonNode pipelines = documents.stream().filter(d -> "ConfigMap".equals(d.path("kind").asText())
                && "streaming-sources-pipelines".equals(d.at("/metadata/name").asText())).findFirst().orElseThrow();
        JsonNode service = documents.stream().filter(d -> "Service".equals(d.path("kind").asText())).findFirst().orElseThrow();

        JsonNode container = set.at("/spec/template/spec/containers/0");
        assertThat(env(container, "STREAM_SOURCES")).isEqualTo("/etc/streaming/sources/$(POD_NAME).json");
        assertThat(service.at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(service.at("/spec/selector")).isEqualTo(set.at("/spec/template/metadata/labels"));
        assertThat(set.at("/spec/serviceName").asText()).isEqualTo(service.at("/metadata/name").asText());

        // the broker's address is the cluster's; here the sink points at a closed local port (no traffic leaves the machine)
        String pipelinesJson = pipelines.at("/data/pipelines.json").asText().replaceAll("tcp://[^\"]+", "tcp://127.0.0.1:1");
        io.streaminfer.core.PipelineRegistry registry = io.streaminfer.pipeline.Pipelines.parse(pipelinesJson, "the ConfigMap",
                new io.streaminfer.pipeline.PipelineOptions(java.time.Duration.ZERO, 50_000_000L,
                        io.streaminfer.pipeline.ModelOptions.defaults()));
        java.util.List<String> pipelineIds = registry.pipelines().stream().map(io.streaminfer.core.PipelineInfo::id).toList();
        io.streaminfer.pipeline.Pipelines.close(registry);
        java.util.Set<String> ids = new java.util.HashSet<>();
        int replicas = set.at("/spec/replicas").asInt();
        assertThat(sources.path("data").size()).as("one file per replica").isEqualTo(replicas);
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            String key = set.at("/metadata/name").asText() + "-" + ordinal + ".json";
            assertThat(sources.at("/data").has(key)).as("a sources file for pod %s", key).isTrue();
            for (io.streaminfer.sources.SourceDefinition source : io.streaminfer.sources.SourcesFile.parse(sources.at("/data").get(key).asText())) {
                assertThat(ids.add(source.id())).as("source %s runs on one pod only", source.id()).isTrue();
                assertThat(pipelineIds).contains(source.pipelineId());
            }
        }
    }
}
