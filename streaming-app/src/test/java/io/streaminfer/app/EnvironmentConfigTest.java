package io.streaminfer.app;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamSetting;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentConfigTest {

    private static final String MANAGEMENT_TOKEN = "management-token-0123456789";

    @Test
    void defaultsWhenNothingIsSet() {
        ServerSettings settings = EnvironmentConfig.parse(Map.of());

        assertThat(settings.host()).isEqualTo("0.0.0.0");
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.managementHost()).isEqualTo("0.0.0.0");
        assertThat(settings.managementPort()).isEqualTo(9090);
        assertThat(settings.workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(settings.stream().maxFrameBytes()).isEqualTo(5L * 1_048_576);
        assertThat(settings.stream().maxSessions()).isEqualTo(64);
        assertThat(settings.stream().maxSessionsPerClient()).isZero();
        assertThat(settings.stream().losslessQueueDepth()).isEqualTo(32);
        assertThat(settings.stream().maxFramePixels()).isEqualTo(16_777_216L);
        assertThat(settings.stream().toString()).isEqualTo(StreamConfig.ofDefaults().toString());
        assertThat(settings.delay()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    @DisplayName("every declared engine setting is read from its variable, in its unit, into the built config")
    void everyDeclaredSettingIsRead() {
        Map<String, String> env = new HashMap<>();
        Map<StreamSetting<?>, Object> expected = new HashMap<>();
        for (StreamSetting<?> setting : StreamSetting.all()) {
            setting.variable().ifPresent(variable -> {
                String text = nonDefaultText(setting);
                env.put(variable, text);
                expected.put(setting, setting.parse(text));
            });
        }
        assertThat(env).hasSize(StreamSetting.all().size() - 1); // slowDownInterval is for embedders only

        StreamConfig stream = EnvironmentConfig.parse(env).stream();

        for (Map.Entry<StreamSetting<?>, Object> entry : expected.entrySet()) {
            assertThat(stream.get(entry.getKey())).as(entry.getKey().property())
                    .isEqualTo(entry.getValue())
                    .isNotEqualTo(entry.getKey().defaultValue());
        }
        assertThat(stream.maxFrameBytes()).isEqualTo(524_288);
        assertThat(stream.idleTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(stream.pipelineTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(stream.memoryBudgetBytes()).isEqualTo(17L * 1_048_576);
    }

    /** A value in range that is not the default, written as the variable takes it. */
    private static String nonDefaultText(StreamSetting<?> setting) {
        return switch (setting.property()) {
            case "maxFrameBytes" -> "0.5";
            case "dropThreshold" -> "0.2";
            case "slowdownThreshold" -> "0.5";
            case "idleTimeout" -> "15";
            case "pipelineTimeout" -> "250";
            case "memoryBudgetBytes" -> "17";
            case "maxSessionsPerClient" -> "3";
            default -> String.valueOf(((Number) setting.defaultValue()).longValue() + 1);
        };
    }

    @Test
    void serverVariablesAreRead() {
        ServerSettings settings = EnvironmentConfig.parse(Map.ofEntries(
                Map.entry("STREAM_HOST", "127.0.0.1"),
                Map.entry("STREAM_PORT", "0"),
                Map.entry("STREAM_MANAGEMENT_HOST", "::1"),
                Map.entry("STREAM_MANAGEMENT_PORT", "9191"),
                Map.entry("STREAM_WORKERS", "3"),
                Map.entry("STREAM_DELAY_MS", "20"),
                Map.entry("STREAM_SHUTDOWN_GRACE_S", "3"),
                Map.entry("STREAM_PIPELINES", "/etc/streaming/pipelines.json"),
                Map.entry("STREAM_MAX_PENDING_KB", "512"),
                Map.entry("STREAM_SERVER", "jetty"),
                Map.entry("STREAM_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"),
                Map.entry("STREAM_HANDSHAKE_TIMEOUT_S", "4"),
                Map.entry("STREAM_MAX_CONNECTIONS", "500"),
                Map.entry("STREAM_MAX_PENDING_CONNECTIONS_PER_ADDRESS", "0"),
                Map.entry("STREAM_MODELS_DIR", "/srv/models"),
                Map.entry("STREAM_MODEL_THREADS", "2"),
                Map.entry("STREAM_MANAGEMENT_TOKEN", MANAGEMENT_TOKEN)));

        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isZero();
        assertThat(settings.managementHost()).isEqualTo("::1");
        assertThat(settings.managementPort()).isEqualTo(9191);
        assertThat(settings.workers()).isEqualTo(3);
        assertThat(settings.delay()).isEqualTo(Duration.ofMillis(20));
        assertThat(settings.shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.maxPendingBytes()).isEqualTo(512 * 1024);
        assertThat(settings.transport()).isEqualTo(ServerSettings.Transport.JETTY);
        assertThat(settings.pipelinesFile()).isEqualTo(Path.of("/etc/streaming/pipelines.json"));
        assertThat(settings.management().tokenRequired()).isTrue();
        assertThat(settings.connections().proxies().trusts("10.9.8.7")).isTrue();
        assertThat(settings.connections().proxies().trusts("192.168.0.1")).isFalse();
        assertThat(settings.connections().handshakeTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(settings.connections().maxConnections()).isEqualTo(500);
        assertThat(settings.connections().maxPendingPerAddress()).as("0: no cap, behind a proxy").isZero();
        assertThat(settings.models().directory()).isEqualTo(Path.of("/srv/models"));
        assertThat(settings.models().threads()).isEqualTo(2);
    }

    @Test
    @DisplayName("models: in the user's cache, where tools/fetch-models puts them, one thread per run")
    void modelDefaults() {
        ServerSettings settings = EnvironmentConfig.parse(Map.of("XDG_CACHE_HOME", "/var/cache/me"));
        assertThat(settings.models().directory()).isEqualTo(Path.of("/var/cache/me/streaminfer/models"));
        assertThat(settings.models().threads()).isEqualTo(1);
    }

    @Test
    void connectionDefaults() {
        ServerSettings.Connections connections = EnvironmentConfig.parse(Map.of()).connections();
        assertThat(connections.proxies().any()).as("no proxy is trusted by default").isFalse();
        assertThat(connections.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(connections.maxConnections()).as("0: below the descriptor limit").isZero();
        assertThat(connections.maxPendingPerAddress()).isEqualTo(64);
    }

    @Test
    @DisplayName("behind trusted proxies every client shares the proxy's address: the per-address cap is off unless set")
    void perAddressCapBehindProxies() {
        assertThat(EnvironmentConfig.parse(Map.of("STREAM_TRUSTED_PROXIES", "10.0.0.0/8")).connections()
                .maxPendingPerAddress()).isZero();
        assertThat(EnvironmentConfig.parse(Map.of("STREAM_TRUSTED_PROXIES", "10.0.0.0/8",
                "STREAM_MAX_PENDING_CONNECTIONS_PER_ADDRESS", "500")).connections().maxPendingPerAddress()).isEqualTo(500);
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource(delimiter = '|', value = {
            "STREAM_PORT|abc|whole number",
            "STREAM_PORT|70000|between 0 and 65535",
            "STREAM_WORKERS|0|between 1 and 1024",
            "STREAM_MODEL_THREADS|0|between 1 and 64",
            "STREAM_QUEUE_DEPTH|-1|between 1 and 1000",
            "STREAM_QUEUE_DEPTH|1.5|whole number",
            "STREAM_LOSSLESS_QUEUE_DEPTH|0|between 1 and 10000",
            "STREAM_LOSSLESS_QUEUE_DEPTH|10001|between 1 and 10000",
            "STREAM_RATE_WINDOW|1|between 2",
            "STREAM_MAX_FRAME_SIZE_MB|five|MiB",
            "STREAM_MAX_FRAME_SIZE_MB|0|between 4 bytes and 1024 MiB",
            "STREAM_MAX_FRAME_SIZE_MB|NaN|between",
            "STREAM_MAX_FRAME_SIZE_MB|2048|between",
            "STREAM_MAX_FRAME_PIXELS|0|between 1 and 1000000000",
            "STREAM_MAX_FRAME_PIXELS|1000000001|between 1 and 1000000000",
            "STREAM_MEMORY_BUDGET_MB|15|between 16 MiB and 1048576 MiB",
            "STREAM_MEMORY_BUDGET_MB|1048577|between 16 MiB and 1048576 MiB",
            "STREAM_MEMORY_BUDGET_MB|64.5|whole number of MiB",
            "STREAM_DROP_THRESHOLD|1.5|above 0.0 and at most 1.0",
            "STREAM_DROP_THRESHOLD|0|above 0.0",
            "STREAM_SLOWDOWN_THRESHOLD|-0.1|above 0.0",
            "STREAM_MAX_SESSIONS|0|between 1",
            "STREAM_MAX_SESSIONS_PER_CLIENT|-1|between 0 and 100000",
            "STREAM_MAX_CONSECUTIVE_FAILURES|0|between 1 and 1000000",
            "STREAM_PIPELINE_TIMEOUT_MS|0|between 1 ms and 3600 s",
            "STREAM_IDLE_TIMEOUT_S|0|between 1 s and 86400 s",
            "STREAM_MAX_PENDING_MESSAGES|2|between 8",
            "STREAM_MAX_PENDING_KB|0|between 1",
            "STREAM_HOST|local host|IP address",
            "STREAM_AUTH_TOKEN|short|at least 16 characters",
            "STREAM_AUTH_TOKEN_FILE|/nonexistent/token|does not exist",
            "STREAM_MANAGEMENT_TOKEN|short|at least 16 characters",
            "STREAM_MANAGEMENT_TOKEN_FILE|/nonexistent/token|does not exist",
            "STREAM_ALLOWED_ORIGINS|https://cams.example.org/path|scheme://host",
            "STREAM_REQUIRE_ORIGIN|yes|one of true, false",
            "STREAM_TRUSTED_PROXIES|10.0.0.0/8,proxy.local|'proxy.local' is not an IP address",
            "STREAM_HANDSHAKE_TIMEOUT_S|0|between 1 and 3600",
            "STREAM_MAX_CONNECTIONS|-5|between 0 and 1000000",
            "STREAM_MAX_PENDING_CONNECTIONS_PER_ADDRESS|-1|between 0 and 1000000",
    })
    void badValuesStopStartupNamingTheVariable(String variable, String value, String expectation) {
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of(variable, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(variable + ":")
                .hasMessageContaining(expectation);
    }

    @ParameterizedTest(name = "{0} set but blank is refused")
    @ValueSource(strings = {"STREAM_HOST", "STREAM_PORT", "STREAM_QUEUE_DEPTH", "STREAM_MAX_FRAME_SIZE_MB",
            "STREAM_MEMORY_BUDGET_MB", "STREAM_AUTH_TOKEN", "STREAM_MANAGEMENT_TOKEN", "STREAM_PIPELINES",
            "STREAM_LOG_LEVEL", "STREAM_ALLOWED_ORIGINS", "STREAM_MANAGEMENT_HOST", "STREAM_MODELS_DIR",
            "STREAM_MODEL_THREADS"})
    void blankVariablesAreRefused(String variable) {
        for (String blank : new String[] {"", "   "}) {
            assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of(variable, blank)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage(variable + ": is set but empty: give it a value, or unset it to use the default");
        }
    }

    @ParameterizedTest(name = "STREAM_HOST={0} is accepted")
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "10.1.2.255", "::", "::1", "fe80::1", "2001:db8:0:0:0:0:2:1",
            "::ffff:192.0.2.1", "localhost", "stream-1.internal", "my-host", "a1.example.org"})
    void hostsAreAccepted(String host) {
        assertThat(EnvironmentConfig.parse(Map.of("STREAM_HOST", host)).host()).isEqualTo(host);
    }

    @ParameterizedTest(name = "STREAM_HOST={0} is refused")
    @ValueSource(strings = {"http://0.0.0.0", "0.0.0.0:8080", "256.1.1.1", "10.0.0", "[::1]", "1:2:3:4:5:6:7:8:9",
            "::1::", "host/path", "-host", "host-", "my_host", "two words", "exa mple.org", "host..org"})
    void badHostsAreRefused(String host) {
        for (String variable : new String[] {"STREAM_HOST", "STREAM_MANAGEMENT_HOST"}) {
            assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of(variable, host)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith(variable + ": expected an IP address")
                    .hasMessageContaining("'" + host + "'");
        }
    }

    @Test
    @DisplayName("thresholds in the wrong order are refused with both names")
    void thresholdOrder() {
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of(
                "STREAM_DROP_THRESHOLD", "0.4", "STREAM_SLOWDOWN_THRESHOLD", "0.3")))
                .hasMessage("STREAM_DROP_THRESHOLD: (0.4) must not be above STREAM_SLOWDOWN_THRESHOLD (0.3)");
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of("STREAM_DROP_THRESHOLD", "0.4")))
                .hasMessage("STREAM_DROP_THRESHOLD: (0.4) must not be above STREAM_SLOWDOWN_THRESHOLD (0.3)");
    }

    @Test
    void secretsAreNeverEchoed() {
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of("STREAM_AUTH_TOKEN", "hunter2")))
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of("STREAM_MANAGEMENT_TOKEN", "hunter2")))
                .message().doesNotContain("hunter2");
        assertThat(EnvironmentConfig.parse(Map.of("STREAM_AUTH_TOKEN", "hunter2-but-much-longer",
                "STREAM_MANAGEMENT_TOKEN", "hunter3-but-much-longer")).toString()).doesNotContain("hunter");
    }

    @Test
    @DisplayName("who may read /sessions: the token's holders; else nobody when streams need a token or the port is not loopback")
    void managementAccess() {
        ManagementAccess withToken = EnvironmentConfig.parse(Map.of("STREAM_MANAGEMENT_TOKEN", MANAGEMENT_TOKEN)).management();
        assertThat(withToken.check("Bearer " + MANAGEMENT_TOKEN)).isEqualTo(ManagementAccess.Verdict.ALLOWED);
        assertThat(withToken.check("bearer " + MANAGEMENT_TOKEN)).isEqualTo(ManagementAccess.Verdict.ALLOWED);
        assertThat(withToken.check(null)).isEqualTo(ManagementAccess.Verdict.UNAUTHORIZED);
        assertThat(withToken.check("Bearer " + MANAGEMENT_TOKEN + "x")).isEqualTo(ManagementAccess.Verdict.UNAUTHORIZED);
        assertThat(withToken.check(MANAGEMENT_TOKEN)).isEqualTo(ManagementAccess.Verdict.UNAUTHORIZED);

        ManagementAccess streamTokenOnly = EnvironmentConfig.parse(Map.of("STREAM_HOST", "127.0.0.1",
                "STREAM_AUTH_TOKEN", "stream-token-0123456789")).management();
        assertThat(streamTokenOnly.check("Bearer stream-token-0123456789")).isEqualTo(ManagementAccess.Verdict.FORBIDDEN);
        assertThat(streamTokenOnly.closedReason()).contains("STREAM_MANAGEMENT_TOKEN");

        ManagementAccess allInterfaces = EnvironmentConfig.parse(Map.of()).management();
        assertThat(allInterfaces.check(null)).isEqualTo(ManagementAccess.Verdict.FORBIDDEN);
        assertThat(allInterfaces.closedReason()).contains("STREAM_MANAGEMENT_TOKEN", "STREAM_MANAGEMENT_HOST=127.0.0.1");

        assertThat(EnvironmentConfig.parse(Map.of("STREAM_MANAGEMENT_HOST", "127.0.0.1")).management().check(null))
                .isEqualTo(ManagementAccess.Verdict.ALLOWED);
    }

    @Test
    void managementTokenFromAFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("token"), MANAGEMENT_TOKEN + "\n");

        ManagementAccess access = EnvironmentConfig.parse(Map.of("STREAM_MANAGEMENT_TOKEN_FILE", file.toString())).management();

        assertThat(access.check("Bearer " + MANAGEMENT_TOKEN)).isEqualTo(ManagementAccess.Verdict.ALLOWED);
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of("STREAM_MANAGEMENT_TOKEN_FILE", file.toString(),
                "STREAM_MANAGEMENT_TOKEN", MANAGEMENT_TOKEN))).hasMessageContaining("not both");
    }

    @Test
    void managementTokenMustDifferFromTheStreamToken() {
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of("STREAM_AUTH_TOKEN", MANAGEMENT_TOKEN,
                "STREAM_MANAGEMENT_TOKEN", MANAGEMENT_TOKEN)))
                .hasMessageStartingWith("STREAM_MANAGEMENT_TOKEN: must differ from STREAM_AUTH_TOKEN")
                .message().doesNotContain(MANAGEMENT_TOKEN);
    }

    @Test
    @DisplayName("sources: no local files through the API and any camera host by default; STREAM_SOURCES_ROOT and STREAM_SOURCES_ALLOWED_HOSTS are read")
    void sourceBounds(@TempDir Path dir) {
        ServerSettings.Sources defaults = EnvironmentConfig.parse(Map.of()).sources();
        assertThat(defaults.root()).isNull();
        assertThat(defaults.allowedHosts().anyHost()).isTrue();

        ServerSettings.Sources set = EnvironmentConfig.parse(Map.of("STREAM_SOURCES_ROOT", dir + "/./",
                "STREAM_SOURCES_ALLOWED_HOSTS", "cam1.example.org, 192.168.10.0/24")).sources();
        assertThat(set.root()).isEqualTo(dir);
        assertThat(set.allowedHosts().allows("cam1.example.org")).isTrue();
        assertThat(set.allowedHosts().allows("192.168.10.3")).isTrue();
        assertThat(set.allowedHosts().allows("169.254.169.254")).isFalse();
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource(delimiter = '|', value = {
            "STREAM_SOURCES_ROOT|srv/sources|must be an absolute path",
            "STREAM_SOURCES_ROOT|/nonexistent/sources|names no existing folder",
            "STREAM_SOURCES_ROOT|/etc/hostname|names no existing folder",
            "STREAM_SOURCES_ALLOWED_HOSTS|cam1.example.org,http://cam2|'http://cam2' is not a host name",
            "STREAM_SOURCES_ALLOWED_HOSTS|10.0.0.0/40|prefix length",
            "STREAM_SOURCES_ALLOWED_HOSTS|*.example.org|is not a host name, an IP address or a CIDR range",
    })
    @DisplayName("a bad sources root or host allow-list stops startup naming the variable")
    void badSourceBounds(String variable, String value, String expectation) {
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of(variable, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(variable + ":")
                .hasMessageContaining(expectation);
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of(variable, " ")))
                .hasMessage(variable + ": is set but empty: give it a value, or unset it to use the default");
    }
}
