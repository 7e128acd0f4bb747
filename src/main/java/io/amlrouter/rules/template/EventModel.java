package io.amlrouter.rules.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.amlrouter.events.EventTypes;
import io.amlrouter.rules.schema.EventCatalog;
import io.amlrouter.rules.schema.EventTypeSchema;

/**
 * What a placeholder may name: the properties of {@code event} and {@code rule}, and for each event
 * type we know, the members of its {@code data}. A placeholder naming anything else is a load error.
 * Map-valued members (tags, properties) are open: any key may follow them, and a missing key fails
 * at render time.
 */
public final class EventModel {

    private EventModel() {
    }

    /** The kind of a data member. */
    public enum Kind {
        /** A string, number or boolean: nothing may follow it. */
        SCALAR,
        /** An object with arbitrary keys (tags, properties). */
        MAP
    }

    /** Properties of {@code event}. */
    public static final List<String> EVENT_PROPERTIES = List.of("id", "type", "subject", "time", "topic", "source",
            "dataVersion", "schema", "workspace", "studioUrl", "data");

    /** Properties of {@code event.workspace}. */
    public static final List<String> WORKSPACE_PROPERTIES = List.of("name", "resourceGroup", "subscriptionId", "id");

    /** Properties of {@code rule}. */
    public static final List<String> RULE_PROPERTIES = List.of("name", "description");

    /** Event types whose events carry a run, and therefore a studio link. */
    public static final Set<String> TYPES_WITH_STUDIO_URL = Set.of(lower(EventTypes.RUN_COMPLETED),
            lower(EventTypes.RUN_STATUS_CHANGED), lower(EventTypes.DATASET_DRIFT_DETECTED));

    private static final Map<String, Map<String, Kind>> DATA = new LinkedHashMap<>();

    static {
        // One schema for placeholders and the lint: the members and their kinds come from the event catalog.
        for (EventTypeSchema type : EventCatalog.types()) {
            Map<String, Kind> members = new LinkedHashMap<>();
            type.data().forEach(f -> members.put(f.name(), f.isMap() ? Kind.MAP : Kind.SCALAR));
            DATA.put(lower(type.name()), java.util.Collections.unmodifiableMap(members));
        }
    }

    /** Whether we know the data members of this event type. */
    public static boolean isKnownType(String type) {
        return DATA.containsKey(lower(type));
    }

    /** The data members of a known event type, in documentation order. */
    public static Map<String, Kind> dataOf(String type) {
        return DATA.getOrDefault(lower(type), Map.of());
    }

    /** A member of a known type's data, by name, ignoring case (Azure ML sends either casing). */
    public static Optional<Map.Entry<String, Kind>> member(String type, String name) {
        for (Map.Entry<String, Kind> e : dataOf(type).entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** Every event type whose data we know, in their canonical spelling. */
    public static List<String> knownTypes() {
        return EventCatalog.types().stream().map(EventTypeSchema::name).toList();
    }

    static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static Map<String, Kind> ordered(Object... pairs) {
        Map<String, Kind> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Kind) pairs[i + 1]);
        }
        return m;
    }
}
