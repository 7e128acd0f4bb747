package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.amlrouter.rules.diagnostics.Diagnostics;

/** Builders for filters (written as YAML, as in a rules file) and events (JSON, as Event Grid delivers them). */
final class TestData {

    static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = new YAMLMapper();

    /** The event type used by synthetic events. */
    static final String TYPE = "Microsoft.MachineLearningServices.RunStatusChanged";

    private TestData() {
    }

    static JsonNode yaml(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a filter that must be valid (warnings allowed: the parser tests check those). */
    static EventFilter filter(String yaml) {
        Diagnostics diagnostics = new Diagnostics();
        EventFilter filter = FilterParser.parse(yaml(yaml), "filter", diagnostics).orElse(null);
        assertThat(diagnostics.errors()).as("errors in test filter %s", yaml).isEmpty();
        return filter;
    }

    /** An Event Grid schema event of type {@link #TYPE} with the given {@code data} object (JSON). */
    static JsonNode event(String dataJson) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", "8b5a4a5e-0000-4f6f-9c1e-1f1e6a0b0001");
        event.put("topic", "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/rg-mlops-prod"
                + "/providers/Microsoft.MachineLearningServices/workspaces/mlw-fraud-weu");
        event.put("subject", "experiments/7f3b2a90-c1d4-4e8f-a6b5-0d9e8c7f1a32/runs/run_1");
        event.put("eventType", TYPE);
        event.put("eventTime", "2025-03-14T07:15:22.6630581+00:00");
        event.set("data", json(dataJson));
        event.put("dataVersion", "2");
        event.put("metadataVersion", "1");
        return event;
    }

    /** The single event of a fixture under {@code testdata/events/eventgrid/} (fixtures are one-event arrays). */
    static JsonNode fixture(String name) {
        String resource = "/testdata/events/eventgrid/" + name;
        try (InputStream in = TestData.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            JsonNode array = JSON.readTree(in);
            assertThat(array.isArray() && array.size() == 1).as("%s is an array of one event", resource).isTrue();
            return array.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same event as CloudEvents 1.0 delivers it (reference §1.2): type/source/time instead of the EG names. */
    static JsonNode asCloudEvent(JsonNode eventGridEvent) {
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.set("type", eventGridEvent.get("eventType"));
        event.set("source", eventGridEvent.get("topic"));
        event.set("subject", eventGridEvent.get("subject"));
        event.set("id", eventGridEvent.get("id"));
        event.set("time", eventGridEvent.get("eventTime"));
        event.set("data", eventGridEvent.get("data"));
        return event;
    }
}
