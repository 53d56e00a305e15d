package io.streaminfer.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.streaminfer.sources.SourceDefinition;
import io.streaminfer.sources.SourceFileException;
import io.streaminfer.sources.SourceManager;
import io.streaminfer.sources.SourceRefusedException;
import io.streaminfer.sources.SourceStatus;
import io.streaminfer.sources.SourcesFile;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The management API of sources, on the management port: {@code GET /sources} (every source's
 * status), {@code GET /sources/<id>}, and, with {@code STREAM_MANAGEMENT_TOKEN} (the rule of
 * {@code /sessions}), {@code GET /sources/<id>/latest.jpg} (the newest frame: a live picture of
 * the camera), {@code POST /sources} (add one: a definition as the sources file holds) and
 * {@code DELETE /sources/<id>}. URLs are shown by {@code Redaction.url}: no password, path or query.
 * Sources added here live until removed or until the server stops; the sources file is the
 * durable list.
 */
final class SourcesApi {

    /** The largest definition a POST may carry. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger("io.streaminfer.server");
    private static final String JSON = "application/json";
    private static final String PREFIX = "/sources";

    private final SourceManager sources;
    private final ManagementAccess access;

    SourcesApi(SourceManager sources, ManagementAccess access) {
        this.sources = sources;
        this.access = access;
    }

    /** @return whether a path is this API's */
    static boolean handles(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    void handle(Request request, Response response, Callback callback, String path) throws IOException {
        String method = request.getMethod();
        String rest = path.length() > PREFIX.length() ? path.substring(PREFIX.length() + 1) : "";
        boolean read = HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method);
        if (rest.isEmpty()) {
            if (read) {
                send(request, response, callback, 200, json(sources.statuses().stream().map(SourcesApi::describe).toList()));
            } else if (HttpMethod.POST.is(method)) {
                if (allowed(request, response, callback)) {
                    add(request, response, callback);
                }
            } else {
                notAllowed(request, response, callback, "GET, HEAD, POST");
            }
            return;
        }
        if (rest.endsWith("/latest.jpg") && read) {
            if (allowed(request, response, callback)) { // a live picture of the camera: guarded like /sessions
                latestFrame(request, response, callback, rest.substring(0, rest.length() - "/latest.jpg".length()));
            }
            return;
        }
        if (rest.contains("/")) {
            error(request, response, callback, 404, "not_found", "no such path; see GET /sources");
            return;
        }
        if (read) {
            Optional<SourceStatus> status = sources.status(rest);
            if (status.isPresent()) {
                send(request, response, callback, 200, json(describe(status.get())));
            } else {
                unknown(request, response, callback, rest);
            }
        } else if (HttpMethod.DELETE.is(method)) {
            if (allowed(request, response, callback)) {
                if (sources.remove(rest)) {
                    LOG.atInfo().setMessage("source_removed").addKeyValue("event", "source_removed")
                            .addKeyValue("source", rest).log();
                    response.setStatus(204);
                    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                    response.write(true, null, callback);
                } else {
                    unknown(request, response, callback, rest);
                }
            }
        } else {
            notAllowed(request, response, callback, "GET, HEAD, DELETE");
        }
    }

    private void add(Request request, Response response, Callback callback) {
        // never more than the limit in memory, whatever a chunked body holds
        ManagementServer.Endpoints.readBody(request, response, callback, MAX_BODY_BYTES,
                "a source definition is at most " + MAX_BODY_BYTES + " bytes",
                body -> add(request, response, callback, new String(body, StandardCharsets.UTF_8)));
    }

    private void add(Request request, Response response, Callback callback, String body) throws IOException {
        try {
            SourceDefinition definition = SourcesFile.definition(body);
            SourceStatus status = sources.add(definition, SourceManager.Origin.API);
            LOG.atInfo().setMessage("source_added").addKeyValue("event", "source_added")
                    .addKeyValue("source", definition.id()).addKeyValue("url", definition.redactedUrl())
                    .addKeyValue("pipeline", definition.pipelineId()).addKeyValue("fps", definition.fps()).log();
            response.getHeaders().put(HttpHeader.LOCATION, PREFIX + "/" + definition.id());
            send(request, response, callback, 201, json(describe(status)));
        } catch (SourceFileException e) {
            error(request, response, callback, 400, "invalid_source", e.getMessage());
        } catch (SourceRefusedException e) {
            if (e.stopping()) {
                error(request, response, callback, 503, "stopping", e.getMessage());
            } else {
                error(request, response, callback, e.conflict() ? 409 : 400, e.conflict() ? "source_exists" : "invalid_source",
                        e.getMessage());
            }
        }
    }

    private void latestFrame(Request request, Response response, Callback callback, String id) throws IOException {
        if (sources.status(id).isEmpty()) {
            unknown(request, response, callback, id);
            return;
        }
        byte[] frame = sources.latestFrame(id).orElse(null);
        if (frame == null) {
            error(request, response, callback, 404, "no_frame_yet", "source '" + id + "' has not read a frame yet");
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "image/jpeg");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, frame.length);
        response.write(true, HttpMethod.HEAD.is(request.getMethod()) ? null : ByteBuffer.wrap(frame), callback);
    }

    /** The token check of guarded calls (the rule of {@code /sessions}); answers 401/403 itself. @return whether to go on */
    private boolean allowed(Request request, Response response, Callback callback) throws IOException {
        return !ManagementServer.Endpoints.refused(access, request, response, callback);
    }

    private void unknown(Request request, Response response, Callback callback, String id) throws IOException {
        String shown = id.replaceAll("[^A-Za-z0-9_-]", "?");
        error(request, response, callback, 404, "unknown_source", "no source '"
                + (shown.length() > 64 ? shown.substring(0, 64) + "..." : shown) + "'; sources: " + sources.ids());
    }

    private static void notAllowed(Request request, Response response, Callback callback, String allow) throws IOException {
        response.getHeaders().put(HttpHeader.ALLOW, allow);
        error(request, response, callback, 405, "method_not_allowed", "allowed here: " + allow);
    }

    private static void error(Request request, Response response, Callback callback, int status, String code,
                              String detail) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("detail", detail);
        send(request, response, callback, status, json(body));
    }

    /**
     * @param status a source's status
     * @return its JSON form, as {@code /sources} lists it
     */
    static Map<String, Object> describe(SourceStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", status.id());
        json.put("url", status.url());
        json.put("kind", status.kind().wireName());
        json.put("pipeline_id", status.pipelineId());
        json.put("fps", status.fps());
        json.put("state", status.state().wireName());
        json.put("connected", status.connected());
        json.put("since", status.since().toString());
        json.put("frames_in", status.framesIn());
        json.put("skipped", status.skipped());
        json.put("processed", status.processed());
        json.put("dropped", status.dropped());
        json.put("failed", status.failed());
        json.put("invalid", status.invalid());
        json.put("connections", status.connections());
        json.put("reconnects", status.reconnects());
        json.put("backoff_ms", status.backoffMillis());
        json.put("last_error", status.lastError());
        Instant at = status.lastErrorAt();
        json.put("last_error_at", at == null ? null : at.toString());
        json.put("watchers", status.watchers());
        json.put("lost_by_watchers", status.lostByWatchers());
        return json;
    }

    /**
     * @param statuses the sources
     * @return what the web console needs to list them on the public port: no URLs
     */
    static List<Map<String, Object>> forConsole(List<SourceStatus> statuses) {
        return statuses.stream().map(s -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", s.id());
            json.put("pipeline_id", s.pipelineId());
            json.put("fps", s.fps());
            json.put("state", s.state().wireName());
            return json;
        }).toList();
    }

    static String json(Object value) throws JsonProcessingException {
        return ManagementServer.Endpoints.json(value);
    }

    private static void send(Request request, Response response, Callback callback, int status, String body) {
        ManagementServer.Endpoints.send(request, response, callback, status, JSON, body);
    }
}
