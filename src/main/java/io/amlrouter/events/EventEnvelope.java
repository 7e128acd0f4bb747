package io.amlrouter.events;

import java.util.Map;
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
 * @param rawText the event object's JSON text as received (a slice of the delivery), or null when the event was
 *            not received as text (the service's own events) or its text could not be sliced out
 * @param delivery how the event arrived when the ingest knows more than the event says (the Event Hubs ingest:
 *            Event Grid's {@code aeg-*} headers of the record and where it was read), kept in its history; or null
 */
public record EventEnvelope(String id, String type, String subject, String time, String topic, String dataVersion,
        EventSchema schema, Workspace workspace, ObjectNode raw, String rawText, Map<String, String> delivery) {

    /** An envelope without delivery details. */
    public EventEnvelope(String id, String type, String subject, String time, String topic, String dataVersion,
            EventSchema schema, Workspace workspace, ObjectNode raw, String rawText) {
        this(id, type, subject, time, topic, dataVersion, schema, workspace, raw, rawText, null);
    }

    /** This envelope with delivery details. */
    public EventEnvelope withDelivery(Map<String, String> details) {
        return new EventEnvelope(id, type, subject, time, topic, dataVersion, schema, workspace, raw, rawText, details);
    }

    /** An envelope without the received text: {@link #rawJson()} serializes {@link #raw()}. */
    public EventEnvelope(String id, String type, String subject, String time, String topic, String dataVersion,
            EventSchema schema, Workspace workspace, ObjectNode raw) {
        this(id, type, subject, time, topic, dataVersion, schema, workspace, raw, null);
    }

    /**
     * The event as JSON text, as the ledger records it: the text received when there is one (no second
     * serialization of the tree, which cost more than parsing the whole delivery), otherwise {@link #raw()} written out.
     */
    public String rawJson() {
        return rawText != null ? rawText : raw.toString();
    }

    /** The workspace that published the event, when its topic names one. */
    public Optional<Workspace> workspaceIfAny() {
        return Optional.ofNullable(workspace);
    }

    /** The {@code data} member: an object, or a missing/null node when absent. */
    public JsonNode data() {
        return Json.field(raw, "data");
    }
}
