package io.amlrouter.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.JsonLimits;
import io.amlrouter.events.MlEvent;
import io.amlrouter.events.MlEventMapper;

/**
 * Fixture events as JSON trees to vary (a fresh id, another status, a hostile tag) and as decoded
 * {@link MlEvent}s, decoded exactly as the webhook decodes them.
 */
public final class EventFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventDecoder DECODER = new EventDecoder(JsonLimits.defaults(),
            new MlEventMapper("https://ml.azure.com"));

    private EventFixtures() {
    }

    /**
     * The event of a fixture under {@code testdata/events/} ({@code eventgrid/RunCompleted.json}, ...): the
     * first element of an array, or the object itself.
     */
    public static ObjectNode event(String path) {
        try {
            JsonNode root = JSON.readTree(TestData.bytes("events/" + path));
            return (ObjectNode) (root.isArray() ? root.get(0) : root).deepCopy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture with a new random id, so the ledger sees an event it has never seen. */
    public static ObjectNode fresh(String path) {
        ObjectNode event = event(path);
        event.put("id", UUID.randomUUID().toString());
        return event;
    }

    /** The {@code data} object of an event (PascalCase or camelCase, as the fixture has it). */
    public static ObjectNode data(ObjectNode event) {
        return (ObjectNode) event.get("data");
    }

    /** Whether the event uses the CloudEvents schema. */
    public static boolean isCloudEvent(ObjectNode event) {
        return event.has("specversion");
    }

    /** The body of a delivery carrying this one event: an Event Grid array, or a single CloudEvent. */
    public static String delivery(ObjectNode event) {
        if (isCloudEvent(event)) {
            return event.toString();
        }
        ArrayNode array = JSON.createArrayNode();
        array.add(event);
        return array.toString();
    }

    /** The content type of {@link #delivery(ObjectNode)}. */
    public static String contentType(ObjectNode event) {
        return isCloudEvent(event) ? "application/cloudevents+json; charset=utf-8" : "application/json; charset=utf-8";
    }

    /** The event as the router sees it. */
    public static MlEvent decode(ObjectNode event) {
        try {
            BodyFormat format = isCloudEvent(event) ? BodyFormat.CLOUDEVENT : BodyFormat.JSON;
            return ((Inbound.Notification) DECODER.decode(delivery(event).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    format).get(0)).event();
        } catch (EventDecodingException e) {
            throw new IllegalArgumentException("fixture does not decode: " + e.defects(), e);
        }
    }
}
