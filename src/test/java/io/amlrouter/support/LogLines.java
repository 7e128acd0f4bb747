package io.amlrouter.support;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The output of a {@link ServiceProcess} in the prod profile: one JSON object per line. */
public final class LogLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The lines that are JSON objects, and those that are not. */
    public record Parsed(List<JsonNode> json, List<String> other) {

        /** The lines whose message contains {@code text}. */
        public List<JsonNode> mentioning(String text) {
            return json.stream().filter(l -> l.path("message").asText("").contains(text)).toList();
        }
    }

    private LogLines() {
    }

    public static Parsed parse(String output) {
        List<JsonNode> json = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                if (node != null && node.isObject()) {
                    json.add(node);
                } else {
                    other.add(line);
                }
            } catch (Exception e) {
                other.add(line);
            }
        }
        return new Parsed(json, other);
    }
}
