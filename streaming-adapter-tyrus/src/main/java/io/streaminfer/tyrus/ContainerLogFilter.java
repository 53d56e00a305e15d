package io.streaminfer.tyrus;

import io.streaminfer.protocol.LogRepeats;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;

/**
 * Keeps what clients send out of Grizzly's and Tyrus' logs. Their per-request warnings carry the
 * request URI (an {@code access_token} included) in the message or in an exception's message, with
 * a stack trace, once per request: a client with a broken URI wrote 2.8 KB of log per request.
 * On the loggers that do, records keep their level and text with query strings and tokens
 * removed, an exception is reduced to its class name, and a warning repeats at most once a minute
 * (the next one says how many were left out).
 */
final class ContainerLogFilter implements Filter {

    /** The container loggers that log per request or per connection. */
    static final List<String> LOGGERS = List.of(
            "org.glassfish.grizzly.filterchain.DefaultFilterChain",
            "org.glassfish.grizzly.http.HttpCodecFilter",
            "org.glassfish.grizzly.http.HttpServerFilter",
            "org.glassfish.grizzly.http.server.HttpServerFilter",
            "org.glassfish.grizzly.http.server.HttpHandler",
            "org.glassfish.grizzly.nio.transport.TCPNIOTransport",
            "org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter",
            // every write still queued when a connection closes fails with a stack trace ("Connection closed"),
            // e.g. the pongs for a ping flood from a client that reads nothing
            "org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter",
            "org.glassfish.tyrus.core.TyrusWebSocketEngine",
            "org.glassfish.tyrus.core.TyrusEndpointWrapper",
            "org.glassfish.tyrus.core.ProtocolHandler");
    private static final int MAX_TRACKED = 1000;
    private static final long REPEAT_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final Pattern QUERY = Pattern.compile("\\?[^\\s\"'<>]*");
    private static final Pattern SECRET = Pattern.compile("(?i)(access_token|api_key|authorization)([=:]\\s*)[^\\s&\"'<>]+");
    /** Held here: java.util.logging keeps loggers weakly, and a collected logger loses its filter. */
    private static final List<Logger> FILTERED = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final ContainerLogFilter INSTANCE = new ContainerLogFilter();

    private final SimpleFormatter formatter = new SimpleFormatter();
    private final Map<String, LogRepeats> repeats = new ConcurrentHashMap<>();

    private ContainerLogFilter() {
    }

    /** Puts the filter on the container's loggers; idempotent. */
    static synchronized void install() {
        if (!FILTERED.isEmpty()) {
            return;
        }
        for (String name : LOGGERS) {
            Logger logger = Logger.getLogger(name);
            logger.setFilter(INSTANCE);
            FILTERED.add(logger);
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            if (repeats.size() > MAX_TRACKED) {
                repeats.clear(); // distinct warnings beyond this are rare; forgetting them only lets one more through
            }
            LogRepeats seen = repeats.computeIfAbsent(
                    record.getLoggerName() + '|' + redact(record.getMessage()).replaceAll("[0-9]+", "#"),
                    key -> new LogRepeats(REPEAT_NANOS));
            long suppressed = seen.admit(System.nanoTime());
            if (suppressed < 0) {
                return false;
            }
            rewrite(record, suppressed);
            return true;
        }
        rewrite(record, 0);
        return true;
    }

    private void rewrite(LogRecord record, long suppressed) {
        String text = redact(formatter.formatMessage(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            text += " (" + thrown.getClass().getSimpleName() + ")";
        }
        if (suppressed > 0) {
            text += " (" + suppressed + " more like this in the last minute were not logged)";
        }
        record.setMessage(text);
        record.setParameters(null);
        record.setResourceBundle(null);
        record.setThrown(null);
    }

    static String redact(String text) {
        if (text == null) {
            return "";
        }
        return SECRET.matcher(QUERY.matcher(text).replaceAll("?[query not logged]")).replaceAll("$1$2[not logged]");
    }
}
