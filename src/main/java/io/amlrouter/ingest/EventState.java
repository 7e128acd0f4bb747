package io.amlrouter.ingest;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Where one event of a delivery stands when the answer is written.
 *
 * @param state {@code done} (every action finished or failed permanently), {@code failed} (an action
 *        failed transiently: Event Grid should redeliver) or {@code pending} (still running at the deadline)
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventState(String id, String type, String state, String detail) {

    static final String DONE = "done";
    static final String FAILED = "failed";
    static final String PENDING = "pending";

    public boolean done() {
        return DONE.equals(state);
    }

    /**
     * The webhook's answer to a delivery, {@code {"events":[...]}}, as UTF-8 JSON: what Jackson writes for
     * these records (fields in order, nulls left out), written directly, since it is written for every
     * delivery and the generic path resolves and calls each accessor by reflection.
     */
    static byte[] answer(List<EventState> states) {
        return Answer.json(32 + 96 * states.size(), json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("events");
            for (EventState s : states) {
                json.writeStartObject();
                field(json, "id", s.id);
                field(json, "type", s.type);
                field(json, "state", s.state);
                field(json, "detail", s.detail);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static void field(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }
}
