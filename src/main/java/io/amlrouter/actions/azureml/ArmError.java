package io.amlrouter.actions.azureml;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.actions.http.HttpReply;

/**
 * The error ARM puts in a failed answer, {@code {"error": {"code", "message", "details",
 * "innerError"}}}, or in a failed operation status. {@code codes} holds the top code and every nested
 * one (details, inner errors), which is where Azure ML says what really happened.
 */
public record ArmError(int status, String code, String message, List<String> codes) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ArmError of(HttpReply reply) {
        JsonNode body;
        try {
            body = reply.body().isBlank() ? null : JSON.readTree(reply.body());
        } catch (Exception e) {
            body = null;
        }
        JsonNode error = body == null ? null : body.has("error") ? body.get("error") : body;
        if (error == null || !error.isObject() || !error.hasNonNull("code")) {
            return new ArmError(reply.status(), "HTTP" + reply.status(),
                    reply.body().isBlank() ? "(no body)" : reply.bodyExcerpt(500), List.of());
        }
        return fromNode(reply.status(), error);
    }

    /** An {@code error} object (of an answer or an operation status). */
    public static ArmError fromNode(int status, JsonNode error) {
        List<String> codes = new ArrayList<>();
        collect(error, codes, 0);
        return new ArmError(status, error.path("code").asText("Unknown"), oneLine(error.path("message").asText("")),
                List.copyOf(codes));
    }

    private static void collect(JsonNode error, List<String> codes, int depth) {
        if (error == null || !error.isObject() || depth > 8) {
            return;
        }
        if (error.hasNonNull("code")) {
            codes.add(error.get("code").asText());
        }
        for (String nested : new String[] { "innerError", "innererror", "innerErrors" }) {
            collect(error.get(nested), codes, depth + 1);
        }
        JsonNode details = error.get("details");
        if (details != null && details.isArray()) {
            details.forEach(d -> collect(d, codes, depth + 1));
        }
    }

    public boolean hasCode(String wanted) {
        return codes.stream().anyMatch(c -> c.equalsIgnoreCase(wanted));
    }

    public boolean messageContains(String text) {
        return message.toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT));
    }

    /** "ARM answered 400 UserError: ..." */
    public String describe() {
        return "ARM answered " + status + " " + code + ": " + message;
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > 1000 ? t.substring(0, 1000) + "..." : t;
    }
}
