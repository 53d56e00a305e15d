package io.streaminfer.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code POST /pipelines/reload} on the management listener, guarded by {@link ManagementAccess}
 * (401 and 403 as {@code /sessions}): 200 with
 * {@code {"status": "reloaded", "generation": N, "pipelines": [...], "unavailable": {...}}}, or 422
 * with {@code {"error": "invalid_pipelines_file", "detail": "<reason>"}} when the file is refused
 * (the old pipelines keep serving). Any other method is answered 405 with {@code Allow: POST}. A
 * body is not needed and is ignored; one over {@link #MAX_BODY_BYTES} is answered 413.
 */
final class PipelineReloadEndpoint {

    static final String PATH = "/pipelines/reload";
    /** The most a reload request may carry (it takes no body: this only bounds what is read and ignored). */
    static final int MAX_BODY_BYTES = 1024;
    private static final String JSON = "application/json";

    private PipelineReloadEndpoint() {
    }

    static void handle(Request request, Response response, Callback callback, ManagementAccess access,
                       Supplier<PipelineReloads.Outcome> reload) throws JsonProcessingException {
        if (!HttpMethod.POST.is(request.getMethod())) {
            ManagementServer.Endpoints.methodNotAllowed(request, response, callback, "POST");
            return;
        }
        if (ManagementServer.Endpoints.refused(access, request, response, callback)) {
            return;
        }
        // a reload takes no body: one is read to its end (up to a small bound) and ignored
        ManagementServer.Endpoints.readBody(request, response, callback, MAX_BODY_BYTES,
                "a reload takes no body (at most " + MAX_BODY_BYTES + " bytes are read)",
                body -> reload(request, response, callback, reload));
    }

    private static void reload(Request request, Response response, Callback callback,
                               Supplier<PipelineReloads.Outcome> reload) throws JsonProcessingException {
        PipelineReloads.Outcome outcome = reload.get();
        Map<String, Object> body = new LinkedHashMap<>();
        int status;
        if (outcome.reloaded()) {
            status = HttpStatus.OK_200;
            body.put("status", "reloaded");
        } else {
            status = HttpStatus.UNPROCESSABLE_ENTITY_422;
            body.put("error", "invalid_pipelines_file");
            body.put("detail", outcome.refusal());
        }
        body.put("generation", outcome.generation());
        body.put("pipelines", outcome.pipelines());
        body.put("unavailable", outcome.unavailable());
        ManagementServer.Endpoints.send(request, response, callback, status, JSON, ManagementServer.Endpoints.json(body));
    }
}
