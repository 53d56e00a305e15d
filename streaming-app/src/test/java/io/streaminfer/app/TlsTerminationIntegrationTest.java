package io.streaminfer.app;

import io.streaminfer.tck.SampleFrames;
import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The TLS recipe of docs/security.md: Debian's nginx runs docs/deploy/nginx-tls.conf in front of
 * the real app, and a client streams over wss:// with nginx's self-signed certificate trusted.
 * Skipped, with the reason, where nginx or openssl is missing; .ci/run installs them.
 */
class TlsTerminationIntegrationTest {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @Test
    @DisplayName("wss:// through nginx terminating TLS reaches the server and gets results; a watcher from the page's own origin passes, another site's gets 403")
    void streamsOverTls(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(NGINX) && Files.isExecutable(OPENSSL),
                "nginx or openssl is not installed (apt-get install nginx-light openssl); .ci/run installs them");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        run(OPENSSL.toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString());
        try (StreamingServer server = TestServers.start()) {
            int tlsPort = freePort();
            String config = Files.readString(Path.of("..", "docs", "deploy", "nginx-tls.conf"))
                    .replace("__PREFIX__", dir.toString())
                    .replace("__UPSTREAM_PORT__", String.valueOf(server.port()))
                    .replace("__TLS_PORT__", String.valueOf(tlsPort))
                    .replace("__CERT__", cert.toString())
                    .replace("__KEY__", key.toString());
            Path conf = Files.writeString(dir.resolve("nginx.conf"), config);
            Process nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", conf.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            try {
                HttpClient client = HttpClient.newBuilder().sslContext(trusting(cert)).build();
                CompletableFuture<String> answer = new CompletableFuture<>();
                WebSocket socket = await().atMost(Timeouts.CONNECT).ignoreExceptions().until(() -> client.newWebSocketBuilder()
                        .buildAsync(URI.create("wss://127.0.0.1:" + tlsPort + "/ws/video/stream?pipeline_id=noop"),
                                new WebSocket.Listener() {
                                    @Override
                                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                        answer.complete(data.toString());
                                        return null;
                                    }
                                }).get(5, TimeUnit.SECONDS), ws -> ws != null);

                socket.sendBinary(ByteBuffer.wrap(SampleFrames.qrScene()), true).get(10, TimeUnit.SECONDS);

                assertThat(answer.get(10, TimeUnit.SECONDS)).startsWith("{\"frame_index\":1,\"result\":{\"width\":640");
                socket.abort();

                // nginx forwards the Host with its port: a watcher from the console's own https origin
                // passes the server's same-origin rule (an unknown source, then: invalid_source), another site's does not
                URI watcher = URI.create("wss://127.0.0.1:" + tlsPort + "/ws/sources/nowhere");
                CompletableFuture<String> refusal = new CompletableFuture<>();
                WebSocket own = client.newWebSocketBuilder().header("Origin", "https://127.0.0.1:" + tlsPort)
                        .buildAsync(watcher, new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                refusal.complete(data.toString());
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS);
                assertThat(refusal.get(10, TimeUnit.SECONDS)).contains("invalid_source");
                own.abort();
                assertThatThrownBy(() -> client.newWebSocketBuilder().header("Origin", "https://evil.example")
                        .buildAsync(watcher, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class)
                        .satisfies(e -> assertThat(((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse()
                                .statusCode()).isEqualTo(403));
            } finally {
                nginx.destroy();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry("nginx", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
