package io.amlrouter.events;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The attributes every event has, whatever its schema, beside the raw JSON object exactly as it was
 * received. Rule filters run on {@link #raw()}; the typed {@link MlEvent} records are views over it.
 *
 * @param id event id (the de-duplication key: Event Grid redelivers with the same id)
 * @param type {@code eventType} or CloudEvents {@code type}
 * @param subject the subject, or null when the event has none
 * @param time {@code eventTime} or {@code time} as received, or null
 * @param topic {@code topic} or CloudEvents {@code source}, or null
 * @param dataVersion {@code dataVersion} (Event Grid schema only), or null
 * @param schema the schema the event arrived in
 * @param workspace the Azure ML workspace parsed from the topic, or null when the topic names none
 * @param raw the event object as received
 */
public record EventEnvelope(String id, String type, String subject, String time, String topic, String dataVersion,
        EventSchema schema, Workspace workspace, ObjectNode raw) {

    /** The workspace that published the event, when its topic names one. */
    public Optional<Workspace> workspaceIfAny() {
        return Optional.ofNullable(workspace);
    }

    /** The {@code data} member: an object, or a missing/null node when absent. */
    public JsonNode data() {
        return Json.field(raw, "data");
    }
}
