package io.amlrouter.rules.filter;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The compiled {@code key} of an advanced filter: an event attribute or a path into {@code data}.
 *
 * <p>
 * Resolution never throws and never allocates on the common path; {@code null} means "missing", which Event Grid treats
 * differently from a JSON {@code null} (see {@link OperatorType#matchesMissingKey()}).
 */
sealed interface FilterKey permits FilterKey.Attribute, FilterKey.DataPath {

    /** The attributes a key may name, by lower-case name, each with its canonical spelling first and its aliases after. */
    Map<String, List<String>> ATTRIBUTES = Map.ofEntries(
            Map.entry("id", List.of("id")),
            Map.entry("topic", List.of("topic", "source")),
            Map.entry("subject", List.of("subject")),
            Map.entry("eventtype", List.of("eventType", "type")),
            Map.entry("eventtime", List.of("eventTime", "time")),
            Map.entry("dataversion", List.of("dataVersion")),
            Map.entry("metadataversion", List.of("metadataVersion")),
            Map.entry("type", List.of("type", "eventType")),
            Map.entry("source", List.of("source", "topic")),
            Map.entry("time", List.of("time", "eventTime")),
            Map.entry("specversion", List.of("specversion")),
            Map.entry("dataschema", List.of("dataschema")),
            Map.entry("datacontenttype", List.of("datacontenttype")));

    /** The attribute names in the order error messages list them: Event Grid schema, then CloudEvents. */
    List<String> ATTRIBUTE_NAMES = List.of("id", "topic", "subject", "eventType", "eventTime", "dataVersion",
            "metadataVersion", "type", "source", "time", "specversion", "dataschema", "datacontenttype");

    /** The key as the user wrote it, used in explanations. */
    String text();

    /** The value at this key in {@code event}, or {@code null} when it is missing. */
    JsonNode resolve(JsonNode event);

    /** The same as {@code resolve(target.raw())}, reusing what {@code target} has already looked up. */
    JsonNode resolve(FilterTarget target);

    /** The key for the event type, as {@code includedEventTypes} compares it. */
    static FilterKey eventType() {
        return Attribute.of("eventType", ATTRIBUTES.get("eventtype"));
    }

    /** The key for the subject, as the subject filters compare it. */
    static FilterKey subject() {
        return Attribute.of("subject", ATTRIBUTES.get("subject"));
    }

    /**
     * A top-level attribute, looked up case-insensitively under its own name and then its alias from the other schema
     * ({@code eventType}≡{@code type}, {@code topic}≡{@code source}, {@code eventTime}≡{@code time}), so a filter written
     * for one delivery schema works on the other.
     */
    final class Attribute implements FilterKey {
        private final String text;
        private final FieldName[] names;
        /** The attribute {@link FilterTarget} holds under the same names: "eventtype", "subject", or null. */
        private final String shared;

        private Attribute(String text, FieldName[] names, String shared) {
            this.text = text;
            this.names = names;
            this.shared = shared;
        }

        static Attribute of(String text, List<String> names) {
            String shared = names.equals(ATTRIBUTES.get("eventtype")) ? "eventtype"
                    : names.equals(ATTRIBUTES.get("subject")) ? "subject" : null;
            return new Attribute(text, names.stream().map(FieldName::new).toArray(FieldName[]::new), shared);
        }

        @Override
        public JsonNode resolve(FilterTarget target) {
            if (shared == null) {
                return resolve(target.raw());
            }
            return shared.equals("eventtype") ? target.type() : target.subject();
        }

        @Override
        public String text() {
            return text;
        }

        @Override
        public JsonNode resolve(JsonNode event) {
            if (event == null || !event.isObject()) {
                return null;
            }
            for (FieldName name : names) {
                JsonNode value = name.lookupFast(event);
                if (value != null) {
                    return value;
                }
            }
            for (FieldName name : names) {
                JsonNode value = name.scan(event);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** {@code data} or {@code data.a.b.c}: walks objects; any step through a missing or non-object node is missing. */
    final class DataPath implements FilterKey {
        static final FieldName DATA = new FieldName("data");

        private final String text;
        private final FieldName[] segments;

        DataPath(String text, List<String> segments) {
            this.text = text;
            this.segments = segments.stream().map(FieldName::new).toArray(FieldName[]::new);
        }

        @Override
        public String text() {
            return text;
        }

        @Override
        public JsonNode resolve(JsonNode event) {
            return walk(DATA.lookup(event));
        }

        @Override
        public JsonNode resolve(FilterTarget target) {
            return walk(target.data());
        }

        private JsonNode walk(JsonNode data) {
            JsonNode node = data;
            for (int i = 0; i < segments.length && node != null; i++) {
                node = segments[i].lookup(node);
            }
            return node;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Lower-case form used to look attributes up. */
    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
