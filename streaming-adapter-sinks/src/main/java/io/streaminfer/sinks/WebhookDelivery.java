package io.streaminfer.sinks;

import io.streaminfer.protocol.Redaction;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs each event as {@code application/json} with the JDK's HTTP client, over HTTP/1.1 (no
 * upgrade attempt a plain webhook receiver might trip on). A 2xx answer delivers the event; a
 * 4xx other than 408 (timeout) and 429 (too many requests) rejects it for good, since sending
 * the same body again would get the same answer; any other answer or I/O error is retried. Only
 * the first {@value #MAX_ANSWER_BYTES} bytes of an answer's body are read: a larger answer's
 * connection is dropped.
 */
final class WebhookDelivery implements Delivery {

    private static final System.Logger LOG = System.getLogger(WebhookDelivery.class.getName());
    /** Bytes of an answer's body read at most; the status is all the sink needs. */
    static final int MAX_ANSWER_BYTES = 4096;

    private final WebhookSettings settings;
    private final HttpClient client;
    private final HttpRequest.Builder template;
    private final NetworkWait waits = new NetworkWait();
    private volatile boolean answered;

    WebhookDelivery(WebhookSettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.template = HttpRequest.newBuilder(settings.url()).timeout(settings.timeout());
        boolean contentType = false;
        for (Map.Entry<String, String> header : settings.headers().entrySet()) {
            template.header(header.getKey(), header.getValue());
            contentType |= header.getKey().equalsIgnoreCase("Content-Type");
        }
        if (!contentType) {
            template.header("Content-Type", "application/json");
        }
    }

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public String describe() {
        String description = "webhook " + settings.shownUrl();
        return settings.headers().isEmpty() ? description : description + " headers " + Redaction.headers(settings.headers());
    }

    @Override
    public String route(Map<String, ?> event) {
        return null;
    }

    @Override
    public Attempt deliver(QueuedEvent event) {
        HttpRequest request = template.copy().POST(HttpRequest.BodyPublishers.ofByteArray(event.body())).build();
        int status;
        try {
            status = waits.run(() -> answer(request));
        } catch (IOException e) {
            answered = false;
            return Attempt.retry(reason(e));
        } catch (InterruptedException e) {
            return Attempt.retry("closing"); // the sink ends after this attempt
        }
        answered = true;
        if (status >= 200 && status < 300) {
            return Attempt.delivered();
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return Attempt.rejected("HTTP " + status);
        }
        return Attempt.retry("HTTP " + status);
    }

    /**
     * Sends one event and waits for its whole answer (at most {@value #MAX_ANSWER_BYTES} bytes of
     * body) for twice the timeout: the request's own timeout ends when the answer's headers come,
     * so an endpoint that trickles its body a byte at a time would otherwise hold the sender forever.
     */
    private int answer(HttpRequest request) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<Void>> answer = client.sendAsync(request, BoundedDiscard.handler(MAX_ANSWER_BYTES));
        try {
            return answer.get(settings.timeout().toMillis() * 2, TimeUnit.MILLISECONDS).statusCode();
        } catch (TimeoutException e) {
            answer.cancel(true); // the JDK's client drops the exchange and its connection
            throw new HttpTimeoutException("no whole answer within " + settings.timeout().toMillis() * 2 + " ms");
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause() == null ? "the request failed" : e.getCause().toString(), e.getCause());
        }
    }

    /** The exception's class and message, any URL in it shown by the rule (the message may quote the request's). */
    private String reason(IOException e) {
        if (e.getMessage() == null) {
            return e.getClass().getSimpleName();
        }
        String url = settings.url().toString();
        return e.getClass().getSimpleName() + " " + Redaction.urlsIn(e.getMessage().replace(url, settings.shownUrl()));
    }

    @Override
    public boolean connected() {
        return answered;
    }

    @Override
    public void abort() {
        waits.abort();
    }

    @Override
    public void close() {
        answered = false;
        // From Java 21 the client can be closed; on 17 its selector thread ends once the client is unreachable.
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, () -> "closing the webhook client: " + e);
            }
        }
    }
}
