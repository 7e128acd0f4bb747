package io.amlrouter.events;

import java.util.Locale;
import java.util.Optional;

/** The media types a delivery may carry. All are JSON; they differ in the framing they announce. */
public enum BodyFormat {
    /** {@code application/json}: Event Grid schema (an array), or leniently any event JSON. */
    JSON,
    /** {@code application/cloudevents+json}: one CloudEvent (an array is accepted too). */
    CLOUDEVENT,
    /** {@code application/cloudevents-batch+json}: an array of CloudEvents (an object is accepted too). */
    CLOUDEVENT_BATCH;

    /**
     * The format a {@code Content-Type} header announces. A missing header is read as JSON (the body is
     * sniffed); an unsupported type or a charset other than UTF-8 is empty.
     */
    public static Optional<BodyFormat> fromContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.of(JSON);
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].trim().split("=", 2);
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("charset")) {
                String charset = kv[1].trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    return Optional.empty();
                }
            }
        }
        return switch (type) {
            case "application/json", "text/json" -> Optional.of(JSON);
            case "application/cloudevents+json" -> Optional.of(CLOUDEVENT);
            case "application/cloudevents-batch+json" -> Optional.of(CLOUDEVENT_BATCH);
            default -> Optional.empty();
        };
    }
}
