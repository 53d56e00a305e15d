package io.streaminfer.app;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.streaminfer.tck.KitSettings;
import io.streaminfer.tck.ProtocolClient;
import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.ServerUnderTest;
import io.streaminfer.tck.StreamingProtocolCompatibilityKit;
import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The repository's Dockerfile, built and run with Testcontainers: the wire protocol kit against
 * the container (one container per settings the kit asks for, configured by environment
 * variables as operators do), its metrics, its health check, and a graceful stop that closes a
 * live session with 1001. No registry is reachable here, so the JRE base image is made locally
 * ({@code docker/local-base/build.sh}, a jlink runtime FROM scratch). The containers use the
 * host's network, so all traffic stays on 127.0.0.1. Skipped, with the reason, where no Docker
 * engine runs; {@code .ci/run} installs and starts one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageIntegrationTest extends StreamingProtocolCompatibilityKit {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Tagged with the build script's digest: a machine that built it before a change builds the new one. */
    private static final String BASE_IMAGE = "streaminfer/jre-local:17-" + digest(ROOT.resolve("docker/local-base/build.sh"));
    private static ImageFromDockerfile image;

    @BeforeAll
    static void buildImage() throws Exception {
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "no Docker engine is running (apt-get install docker.io, then start dockerd); .ci/run does both");
        Path jar = ROOT.resolve("streaming-app/target/streaming-app.jar");
        Assumptions.assumeTrue(Files.exists(jar), "the app jar is not built: run the package phase first");
        ensureBaseImage();
        image = new ImageFromDockerfile("streaminfer/server-it", true) // built once, for every container of the class
                .withFileFromPath("Dockerfile", ROOT.resolve("Dockerfile"))
                .withFileFromPath("streaming-app/target/streaming-app.jar", jar)
                .withFileFromPath("streaming-app/target/lib", ROOT.resolve("streaming-app/target/lib"))
                .withBuildArg("JRE_IMAGE", BASE_IMAGE);
    }

    @Override
    protected ServerUnderTest start(KitSettings settings) throws Exception {
        return ImageServer.start(KitEnvironment.of(settings));
    }

    /** Builds the local JRE base image once per machine (a registry would serve eclipse-temurin instead). */
    private static void ensureBaseImage() throws IOException, InterruptedException {
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(BASE_IMAGE).exec();
            return;
        } catch (NotFoundException e) {
            // not built yet on this machine: build it below
        }
        Process build = new ProcessBuilder("bash", ROOT.resolve("docker/local-base/build.sh").toString(), BASE_IMAGE)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("docker/local-base/build.sh finished").isTrue();
        assertThat(build.exitValue()).as("docker/local-base/build.sh exit status").isZero();
    }

    private static String digest(Path file) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return java.util.HexFormat.of().formatHex(hash).substring(0, 12);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    @Order(1)
    @DisplayName("the container runs as a non-root user and reports its sessions and frames in /metrics")
    void metricsAndUser() throws Exception {
        ImageServer server = (ImageServer) server();
        try (ProtocolClient client = ProtocolClient.connect(URI.create(server.streamUri() + "?pipeline_id=noop"))) {
            client.sendBinary(SampleFrames.coffee());
            assertThat(client.next().has("result")).isTrue();
            PrometheusText metrics = new PrometheusText(server.get("/metrics").body());
            assertThat(metrics.value("stream_sessions_active{pipeline=\"noop\"}")).isGreaterThanOrEqualTo(1);
            assertThat(metrics.value("stream_frames_processed_total{pipeline=\"noop\"}")).isGreaterThanOrEqualTo(1);
        }
        assertThat(server.container.getCurrentContainerInfo().getConfig().getUser()).isEqualTo("10001:10001");
        assertThat(server.container.execInContainer("java", "-XshowSettings:properties", "-version").getStderr())
                .contains("user.dir = /tmp").doesNotContain("user.name = root");
    }

    @Test
    @Order(2)
    @DisplayName("Docker's HEALTHCHECK, which runs the app's own health command, reports healthy")
    void healthCheck() {
        ImageServer server = (ImageServer) server();
        await().atMost(Duration.ofSeconds(60)).until(() -> "healthy".equals(
                server.container.getCurrentContainerInfo().getState().getHealth().getStatus()));
    }

    @Test
    @Order(3)
    @DisplayName("docker stop sends SIGTERM: a live session is closed with 1001 and the server stops gracefully")
    void gracefulStop() throws Exception {
        try (ImageServer server = ImageServer.start(Map.of());
             ProtocolClient client = ProtocolClient.connect(URI.create(server.streamUri() + "?pipeline_id=noop"))) {
            client.sendBinary(SampleFrames.coffee());
            assertThat(client.next().has("result")).isTrue();

            server.stop(Duration.ofSeconds(10));

            assertThat(client.awaitClose()).isEqualTo(1001);
            assertThat(String.join("", server.logs)).contains("\"server_stopping\"").contains("\"graceful\":true");
        }
    }

    @Test
    @Order(4)
    @DisplayName("no model is in the image (objects is unavailable, saying how to fetch it); models mounted at /models run")
    void modelsAreMountedNeverBundled() throws Exception {
        ImageServer bare = (ImageServer) server();
        assertThat(bare.get("/pipelines").body())
                .contains("\"id\":\"objects\"").contains("run tools/fetch-models yolov8n");

        java.nio.file.Path models = io.streaminfer.pipeline.ModelOptions.defaults().directory();
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(models.resolve("yolov8n.onnx")),
                "model yolov8n not fetched: run tools/fetch-models");
        try (ImageServer server = ImageServer.start(Map.of(), models);
             ProtocolClient client = ProtocolClient.connect(URI.create(server.streamUri() + "?pipeline_id=objects"))) {
            client.sendBinary(SampleFrames.coffee());
            assertThat(client.next().path("result").path("detections").toString()).contains("\"label\":\"cup\"");
        }
    }

    /** One container of the image on the host's network, on free ports, with the given environment. */
    private static final class ImageServer implements ServerUnderTest {

        private final GenericContainer<?> container;
        private final ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
        private final int port;
        private final int managementPort;
        private boolean stopped;

        private ImageServer(Map<String, String> env, java.nio.file.Path models) throws IOException {
            this.port = freePort();
            this.managementPort = freePort();
            this.container = new GenericContainer<>(image)
                    .withNetworkMode("host")
                    .withEnv(env)
                    .withEnv("STREAM_HOST", "127.0.0.1")
                    .withEnv("STREAM_PORT", Integer.toString(port))
                    .withEnv("STREAM_MANAGEMENT_PORT", Integer.toString(managementPort))
                    // SIGTERM's grace: what the kit stops servers with
                    .withEnv("STREAM_SHUTDOWN_GRACE_S", Long.toString(Timeouts.STOP_GRACE.toSeconds()))
                    .withLogConsumer((OutputFrame frame) -> logs.add(frame.getUtf8String()))
                    .waitingFor(Wait.forLogMessage(".*\"server_started\".*", 1).withStartupTimeout(Duration.ofSeconds(90)));
            if (models != null) {
                container.withFileSystemBind(models.toString(), "/models", org.testcontainers.containers.BindMode.READ_ONLY);
            }
        }

        static ImageServer start(Map<String, String> env) throws Exception {
            return start(env, null);
        }

        /** @param models a directory to mount read-only at /models, or null */
        static ImageServer start(Map<String, String> env, java.nio.file.Path models) throws Exception {
            ImageServer server = new ImageServer(env, models);
            server.container.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> server.get("/ready").statusCode() == 200);
            return server;
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public URI streamUri() {
            return URI.create("ws://127.0.0.1:" + port + "/ws/video/stream");
        }

        /** {@code docker stop}: SIGTERM, the app's graceful shutdown with its configured grace, then the kill after ours. */
        @Override
        public synchronized void stop(Duration grace) {
            if (stopped) {
                return;
            }
            stopped = true;
            int seconds = (int) Math.max(grace.toSeconds(), Timeouts.STOP_GRACE.toSeconds()) + 5;
            DockerClientFactory.instance().client().stopContainerCmd(container.getContainerId()).withTimeout(seconds).exec();
            container.stop();
        }

        @Override
        public void close() {
            stop(Timeouts.STOP_GRACE);
        }
    }
}
