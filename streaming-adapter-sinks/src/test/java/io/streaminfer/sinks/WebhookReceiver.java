package io.streaminfer.sinks;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;

/**
 * A webhook endpoint on the JDK's HTTP server at 127.0.0.1: it keeps every request and answers
 * with the status its script picks. It can be stopped and started again on the same port.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived. */
    record Request(String method, String path, Headers headers, byte[] body, int status) {
        int index() {
            return TestEvents.index(body);
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile ToIntFunction<Request> status = request -> 200;
    private HttpServer server;
    private int port;

    private WebhookReceiver() {
    }

    /** @return a receiver on a free port that answers 200 */
    static WebhookReceiver start() throws IOException {
        WebhookReceiver receiver = new WebhookReceiver();
        receiver.listen(0);
        return receiver;
    }

    /** Answers each request with the status {@code script} picks; it sees the request without its status. */
    void answer(ToIntFunction<Request> script) {
        this.status = script;
    }

    /** @return every request so far, in arrival order */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** @return the frame indexes of every request so far, in arrival order */
    List<Integer> indexes() {
        return requests.stream().map(Request::index).toList();
    }

    /** @return the port it listens on (or listened on, when stopped) */
    int port() {
        return port;
    }

    /** @return {@code http://127.0.0.1:<port>/hook} */
    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    void stop() {
        server.stop(0);
    }

    /** Listens again on the same port. */
    void restart() throws IOException {
        listen(port);
    }

    @Override
    public void close() {
        stop();
    }

    private void listen(int wanted) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 0);
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Request arrived = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders(), body, 0);
        int answer = status.applyAsInt(arrived);
        requests.add(new Request(arrived.method(), arrived.path(), arrived.headers(), body, answer));
        exchange.sendResponseHeaders(answer, -1);
        exchange.close();
    }
}
