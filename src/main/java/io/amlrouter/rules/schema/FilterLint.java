package io.amlrouter.rules.schema;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.events.EventTypes;
import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.Suggestions;
import io.amlrouter.rules.filter.OperatorType;

/**
 * Checks a filter (one the filter parser accepted) against the {@link EventCatalog}: what can never match is an error,
 * what is likely wrong a warning. Each level ({@code anyOf} group) is checked against the types it can still receive:
 * its own {@code includedEventTypes} and its parents', narrowed by the subject filters.
 * <ul>
 * <li>errors: an {@code includedEventTypes} entry that is not a full type name, or that names a type of this
 * service's own namespace it does not publish; a {@code subjectBeginsWith}/{@code subjectEndsWith} no subject of those
 * types can have; a {@code data.*} key none of them has (with "did you mean"); a Number (or Bool) operator on a field
 * that is never a number (a boolean);
 * <li>warnings: a value of a String operator that no documented value of the field can match ({@code runStatus}); an
 * Azure ML type name Azure ML does not document.
 * </ul>
 * A type outside the catalog (any other full name) is open: with one among the types, no data key, value or subject
 * is an error. Keys under free-form maps ({@code runTags}, ...) are never checked.
 */
public final class FilterLint {

    private final Diagnostics d;

    private FilterLint(Diagnostics d) {
        this.d = d;
    }

    /** Checks {@code filter} (the rule's filter object, at {@code path}); nothing when it is absent. */
    public static void check(JsonNode filter, String path, Diagnostics diagnostics) {
        if (filter != null && filter.isObject()) {
            new FilterLint(diagnostics).level(filter, path, Scope.EVERY_TYPE, false, "the filter");
        }
    }

    private void level(JsonNode node, String path, Scope parent, boolean parentCaseSensitive, String what) {
        if (!node.isObject()) {
            return;
        }
        JsonNode flag = node.get("isSubjectCaseSensitive");
        boolean caseSensitive = flag != null && flag.isBoolean() ? flag.booleanValue() : parentCaseSensitive;
        Scope scope = parent;
        JsonNode types = node.get("includedEventTypes");
        if (types != null && types.isArray()) {
            scope = parent.and(listed(types, path + ".includedEventTypes"));
        }
        if (scope.isEmpty()) {
            return;
        }
        scope = subjects(node, path, scope, caseSensitive, what);
        if (scope.isEmpty()) {
            return;
        }
        JsonNode advanced = node.get("advancedFilters");
        if (advanced != null && advanced.isArray()) {
            for (int i = 0; i < advanced.size(); i++) {
                scope = advanced(advanced.get(i), path + ".advancedFilters[" + i + "]", scope, what);
            }
        }
        JsonNode anyOf = node.get("anyOf");
        if (anyOf != null && anyOf.isArray()) {
            for (int i = 0; i < anyOf.size(); i++) {
                level(anyOf.get(i), path + ".anyOf[" + i + "]", scope, caseSensitive, "this anyOf group");
            }
        }
    }

    // ---- includedEventTypes

    private Scope listed(JsonNode types, String path) {
        List<EventTypeSchema> known = new ArrayList<>();
        boolean open = false;
        for (int i = 0; i < types.size(); i++) {
            JsonNode entry = types.get(i);
            if (!entry.isTextual() || entry.textValue().isBlank()) {
                continue;
            }
            String name = entry.textValue();
            String at = path + "[" + i + "]";
            if (name.equalsIgnoreCase("All")) {
                return Scope.EVERY_TYPE;
            }
            Optional<EventTypeSchema> type = EventCatalog.find(name);
            if (type.isPresent()) {
                if (!known.contains(type.get())) {
                    known.add(type.get());
                }
            } else if (name.indexOf('.') < 0) {
                d.error(at, quote(name) + " is not a full event type name, so it never matches" + bareHint(name));
            } else if (EventCatalog.inNamespace(name, EventCatalog.ROUTER_PREFIX)) {
                List<String> ours = names(EventCatalog.ROUTER_PREFIX);
                d.error(at, quote(name) + " is not an event type this service publishes (" + String.join(", ", ours)
                        + "), so it never matches" + didYouMean(name, ours));
            } else if (EventCatalog.inNamespace(name, EventCatalog.AZURE_ML_PREFIX)) {
                List<String> azure = names(EventCatalog.AZURE_ML_PREFIX);
                d.warning(at, quote(name) + " is not an event type Azure Machine Learning documents ("
                        + String.join(", ", azure) + "), so its data and subject are not checked"
                        + didYouMean(name, azure));
                open = true;
            } else {
                open = true;
            }
        }
        return new Scope(known, open, false);
    }

    private static String bareHint(String name) {
        Optional<String> full = EventCatalog.types().stream().filter(t -> t.shortName().equalsIgnoreCase(name))
                .map(EventTypeSchema::name).findFirst();
        if (full.isEmpty()) {
            List<String> shortNames = EventCatalog.types().stream().map(EventTypeSchema::shortName).toList();
            full = Suggestions.closest(name, shortNames).flatMap(s -> EventCatalog.types().stream()
                    .filter(t -> t.shortName().equals(s)).map(EventTypeSchema::name).findFirst());
        }
        return full.map(f -> "; did you mean " + quote(f) + "?")
                .orElse(": event types are full names such as " + EventTypes.RUN_STATUS_CHANGED);
    }

    private static List<String> names(String prefix) {
        return EventCatalog.types().stream().map(EventTypeSchema::name)
                .filter(n -> EventCatalog.inNamespace(n, prefix)).toList();
    }

    /** The candidate whose last segment is close to {@code name}'s (the namespaces being the same). */
    private static String didYouMean(String name, List<String> candidates) {
        List<String> shortNames = candidates.stream().map(FilterLint::lastSegment).toList();
        return Suggestions.closest(lastSegment(name), shortNames)
                .map(c -> "; did you mean " + quote(candidates.get(shortNames.indexOf(c))) + "?").orElse("");
    }

    private static String lastSegment(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    // ---- subjects

    private Scope subjects(JsonNode node, String path, Scope scope, boolean caseSensitive, String what) {
        String begins = text(node.get("subjectBeginsWith"));
        String ends = text(node.get("subjectEndsWith"));
        if (begins != null) {
            Scope can = scope.filter(t -> t.subjectCanBe(begins, null, caseSensitive));
            if (can.isEmpty()) {
                d.error(path + ".subjectBeginsWith", "no subject of " + scope.describe() + " begins with " + quote(begins)
                        + ", so " + what + " never matches; " + formats(scope));
                return can;
            }
            scope = can;
        }
        if (ends != null) {
            Scope can = scope.filter(t -> t.subjectCanBe(begins, ends, caseSensitive));
            if (can.isEmpty()) {
                d.error(path + ".subjectEndsWith", "no subject of " + scope.describe()
                        + (begins == null ? "" : " beginning with " + quote(begins)) + " ends with " + quote(ends)
                        + ", so " + what + " never matches; " + formats(scope));
                return can;
            }
            scope = can;
        }
        return scope;
    }

    private static String formats(Scope scope) {
        Set<String> formats = new LinkedHashSet<>();
        scope.known().forEach(t -> formats.addAll(t.subjects()));
        return (formats.size() == 1 ? "its subjects are " : "their subjects are ") + String.join(", ", formats);
    }

    // ---- advanced filters

    /**
     * Checks one advanced filter; returns the scope the next ones see. Advanced filters are ANDed, so after one that
     * fails on a missing key, only the types that have the key can still match.
     */
    private Scope advanced(JsonNode item, String path, Scope scope, String what) {
        if (!item.isObject()) {
            return scope;
        }
        Optional<OperatorType> operator = OperatorType.byName(item.path("operatorType").asText(""));
        JsonNode keyNode = item.get("key");
        if (operator.isEmpty() || keyNode == null || !keyNode.isTextual()) {
            return scope;
        }
        OperatorType op = operator.get();
        String key = keyNode.textValue();
        String[] segments = key.split("\\.", -1);
        if (segments.length < 2 || !segments[0].equalsIgnoreCase("data")) {
            return scope;
        }
        String member = segments[1];
        boolean deeper = segments.length > 2;
        List<DataField> found = new ArrayList<>();
        List<DataField> scalars = new ArrayList<>();
        for (EventTypeSchema type : scope.known()) {
            type.field(member).ifPresent(f -> (deeper && !f.isMap() ? scalars : found).add(f));
        }
        if (found.isEmpty()) {
            if (scope.open()) {
                return op.matchesMissingKey() ? scope : scope.filter(t -> false);
            }
            String consequence = op.matchesMissingKey() ? op + " is true for every event" : what + " never matches";
            if (!scalars.isEmpty()) {
                d.error(path + ".key", quote(key) + ": data." + scalars.get(0).name() + " is "
                        + scalars.get(0).type().describe() + ", with no members, so " + consequence);
            } else {
                d.error(path + ".key", quote(key) + " is not a data field of " + scope.describe() + ", so "
                        + consequence + keyHint(member, segments, scope));
            }
            return scope;
        }
        Scope next = op.matchesMissingKey() ? scope
                : scope.filter(t -> t.field(member).filter(f -> !deeper || f.isMap()).isPresent());
        if (deeper || scope.open()) {
            return next;
        }
        String field = "data." + member;
        String consequence = op.isNegated() ? op + " is true for every event" : what + " never matches";
        if ((op.compares() == OperatorType.Compares.NUMBER || op.compares() == OperatorType.Compares.NUMBER_RANGE)
                && found.stream().noneMatch(f -> f.type().canBeNumber())) {
            d.error(path + ".operatorType", op + " compares numbers, but " + field + " is " + types(found) + ", so "
                    + consequence);
        } else if (op.compares() == OperatorType.Compares.BOOLEAN) {
            d.error(path + ".operatorType", op + " compares booleans, but " + field + " is " + types(found) + ", so "
                    + consequence);
        } else if (op.compares() == OperatorType.Compares.STRING && found.stream().allMatch(f -> !f.values().isEmpty())) {
            Set<String> known = new LinkedHashSet<>();
            found.forEach(f -> known.addAll(f.values()));
            values(item.get("values"), path + ".values", op, key, List.copyOf(known));
        }
        return next;
    }

    private static String types(List<DataField> fields) {
        return String.join(" or ", fields.stream().map(f -> f.type().describe()).distinct().toList());
    }

    /** "did you mean" for a data key: a near name in the user's casing, a map ending so, or the type that has it. */
    private static String keyHint(String member, String[] segments, Scope scope) {
        String rest = segments.length > 2 ? "." + String.join(".", List.of(segments).subList(2, segments.length)) : "";
        List<DataField> fields = new ArrayList<>();
        scope.known().forEach(t -> t.data().forEach(f -> {
            if (fields.stream().noneMatch(g -> g.name().equals(f.name()))) {
                fields.add(f);
            }
        }));
        List<String> names = fields.stream().map(DataField::name).toList();
        Optional<String> closest = Suggestions.closest(member, names);
        if (closest.isPresent()) {
            return "; did you mean " + quote("data." + inCasingOf(member, closest.get()) + rest) + "?";
        }
        String lower = member.toLowerCase(Locale.ROOT);
        List<String> endings = lower.length() < 3 ? List.of() : names.stream()
                .filter(n -> n.toLowerCase(Locale.ROOT).endsWith(lower))
                .map(n -> quote("data." + inCasingOf(member, n) + rest)).toList();
        if (!endings.isEmpty()) {
            return "; did you mean " + alternatives(endings) + "?";
        }
        if (!scope.unrestricted()) {
            List<String> others = EventCatalog.types().stream().filter(t -> !scope.known().contains(t))
                    .filter(t -> t.field(member).isPresent()).map(EventTypeSchema::name).toList();
            if (!others.isEmpty()) {
                return "; " + alternatives(others) + (others.size() == 1 ? " has it" : " have it");
            }
        }
        return "; the data fields are " + String.join(", ", names);
    }

    /** {@code name} with its first letter in the case of {@code typed}'s (camelCase or PascalCase, as typed). */
    private static String inCasingOf(String typed, String name) {
        boolean upper = !typed.isEmpty() && Character.isUpperCase(typed.charAt(0));
        return (upper ? Character.toUpperCase(name.charAt(0)) : Character.toLowerCase(name.charAt(0))) + name.substring(1);
    }

    private static String alternatives(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }

    // ---- values of a field with a documented set

    private void values(JsonNode values, String path, OperatorType op, String key, List<String> known) {
        if (values == null || !values.isArray()) {
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            if (!values.get(i).isTextual()) {
                continue;
            }
            String value = values.get(i).textValue();
            String v = value.toLowerCase(Locale.ROOT);
            String relation = switch (op) {
                case StringContains, StringNotContains -> "contains";
                case StringBeginsWith, StringNotBeginsWith -> "begins with";
                case StringEndsWith, StringNotEndsWith -> "ends with";
                default -> null;
            };
            boolean possible = known.stream().map(k -> k.toLowerCase(Locale.ROOT)).anyMatch(k -> switch (op) {
                case StringContains, StringNotContains -> k.contains(v);
                case StringBeginsWith, StringNotBeginsWith -> k.startsWith(v);
                case StringEndsWith, StringNotEndsWith -> k.endsWith(v);
                default -> k.equals(v);
            });
            if (possible) {
                continue;
            }
            String list = " (" + String.join(", ", known) + ")";
            String message = relation == null
                    ? quote(value) + " is not a documented value of " + key + list + valueHint(value, known)
                    : "no documented value of " + key + " " + relation + " " + quote(value) + list;
            d.warning(path + "[" + i + "]", message);
        }
    }

    /** The documented value closest to {@code value}: a small edit away, or sharing its first four letters. */
    private static String valueHint(String value, List<String> known) {
        Optional<String> closest = Suggestions.closest(value, known);
        if (closest.isEmpty()) {
            String v = value.toLowerCase(Locale.ROOT);
            int best = 3;
            for (String k : known) {
                int common = commonPrefix(v, k.toLowerCase(Locale.ROOT));
                if (common > best) {
                    best = common;
                    closest = Optional.of(k);
                }
            }
        }
        return closest.map(c -> "; did you mean " + quote(c) + "?").orElse("");
    }

    private static int commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        return n;
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    static String quote(String text) {
        return "\"" + text + "\"";
    }
}
