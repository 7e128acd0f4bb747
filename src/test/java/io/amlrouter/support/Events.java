package io.amlrouter.support;

import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Fixture events with a fresh id, so tests sharing one application (and its ledger) stay independent. */
public final class Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    /** An Event Grid schema fixture (array of one) as JSON text, with a new id; returns the id via the array. */
    public static Delivery eventGrid(String fixture) {
        return withFreshId("events/eventgrid/" + fixture);
    }

    /** A CloudEvents fixture (single object) with a new id. */
    public static Delivery cloudEvent(String fixture) {
        return withFreshId("events/cloudevents/" + fixture);
    }

    public record Delivery(String id, String body) {
    }

    private static Delivery withFreshId(String path) {
        try {
            var node = JSON.readTree(TestData.bytes(path));
            String id = UUID.randomUUID().toString();
            ObjectNode event = (ObjectNode) (node.isArray() ? ((ArrayNode) node).get(0) : node);
            event.put("id", id);
            return new Delivery(id, JSON.writeValueAsString(node));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
