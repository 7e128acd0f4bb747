package io.amlrouter.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.amlrouter.http.Problem;

/**
 * The webhook's answer to one request, before it is written ({@link WebhookRoute}): a status, a JSON body written
 * already ({@code application/json}), or a problem document ({@code application/problem+json}, with
 * {@code Retry-After} when it says when to come back), or no body; and extra headers.
 */
record Answer(int status, byte[] json, Problem problem, List<Map.Entry<String, String>> headers) {

    private static final JsonFactory JSON = new JsonFactory();

    static Answer ok(byte[] json) {
        return new Answer(200, json, null, List.of());
    }

    /** Event Grid's subscription validation handshake answered: {@code {"validationResponse":"<code>"}}. */
    static Answer validationResponse(String code) {
        return ok(json(64, json -> {
            json.writeStartObject();
            json.writeStringField("validationResponse", code);
            json.writeEndObject();
        }));
    }

    /** What {@link #json} writes, with Jackson's streaming generator. */
    @FunctionalInterface
    interface JsonContent {
        void writeTo(JsonGenerator json) throws IOException;
    }

    /**
     * A JSON body written directly as UTF-8 bytes (no databind, so no accessor is looked up or called by
     * reflection); {@code capacity} is a first guess of its size.
     */
    static byte[] json(int capacity, JsonContent content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(capacity);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            content.writeTo(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    static Answer empty(int status) {
        return new Answer(status, null, null, List.of());
    }

    static Answer of(Problem problem) {
        return new Answer(problem.status(), null, problem, List.of());
    }

    Answer withHeader(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new Answer(status, json, problem, List.copyOf(more));
    }
}
