package io.amlrouter.rules.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.Suggestions;

/**
 * Reads an Event Grid filter object (plus our {@code anyOf} extension) from a Jackson tree, strictly, and compiles it
 * into an {@link EventFilter}.
 *
 * <p>
 * Strict because a rules file is configuration: an unknown key, a misspelt operator or a value of the wrong type is
 * reported, never guessed at or skipped. Every violation is reported, each with its full path (for example
 * {@code rules[2].filter.advancedFilters[0].operatorType: unknown operator "StringLike"}), so one lint run lists them
 * all. The same code runs in the service and in the offline {@code lint} command, so it uses Jackson only.
 *
 * <p>
 * A key set to JSON {@code null} counts as omitted, as in Event Grid's own JSON (an exported subscription shows
 * {@code "includedEventTypes": null}), so a filter copied from {@code az eventgrid event-subscription show} loads.
 */
public final class FilterParser {

    static final List<String> FILTER_KEYS = List.of("includedEventTypes", "subjectBeginsWith", "subjectEndsWith",
            "isSubjectCaseSensitive", "enableAdvancedFilteringOnArrays", "advancedFilters", "anyOf");

    /** Event Grid's limit of advanced filters per subscription; beyond it we only warn. */
    static final int EVENT_GRID_MAX_ADVANCED_FILTERS = 25;

    /**
     * How deep {@code anyOf} groups may nest. Parsing and evaluation recurse once per level, so without a bound a deep
     * enough tree overflows the stack. A rules file cannot get near it (YAML nesting is capped at 64, two per level);
     * the bound makes the parser safe on its own, whatever tree it is handed.
     */
    static final int MAX_ANY_OF_DEPTH = 32;

    private static final String ALL_TYPES = "All";

    private final Diagnostics diagnostics;
    private final AdvancedFilterParser advancedFilters;

    private FilterParser(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
        this.advancedFilters = new AdvancedFilterParser(diagnostics);
    }

    /**
     * Parses and compiles one filter object.
     *
     * @param filterNode the filter object; {@code null} or a missing node stands for a rule without a filter and gives
     *        {@link EventFilter#matchAll()}
     * @param path where the filter object is, e.g. {@code rules[2].filter}; prefixes every violation
     * @param diagnostics receives every error and warning
     * @return the compiled filter, or empty if this filter had at least one error
     */
    public static Optional<EventFilter> parse(JsonNode filterNode, String path, Diagnostics diagnostics) {
        if (filterNode == null || filterNode.isMissingNode()) {
            return Optional.of(EventFilter.matchAll());
        }
        int errorsBefore = diagnostics.errors().size();
        EventFilter filter = new FilterParser(diagnostics).filter(filterNode, path, "", false, false, 0);
        boolean clean = diagnostics.errors().size() == errorsBefore;
        return clean && filter != null ? Optional.of(filter) : Optional.empty();
    }

    private EventFilter filter(JsonNode node, String path, String location, boolean inheritedCaseSensitive,
            boolean inheritedArrays, int depth) {
        if (!node.isObject()) {
            diagnostics.error(path, "must be a filter object with keys such as includedEventTypes, "
                    + "subjectBeginsWith and advancedFilters, got " + Texts.authorType(node));
            return null;
        }
        boolean caseSensitive = flag(node.get("isSubjectCaseSensitive"), inheritedCaseSensitive);
        boolean arrays = flag(node.get("enableAdvancedFilteringOnArrays"), inheritedArrays);
        List<String> eventTypes = null;
        String beginsWith = null;
        String endsWith = null;
        List<AdvancedFilter> advanced = List.of();
        List<EventFilter> anyOf = List.of();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            String at = Paths.child(path, name);
            if (value.isNull() && FILTER_KEYS.contains(name)) {
                continue;
            }
            switch (name) {
                case "includedEventTypes" -> eventTypes = eventTypes(value, at);
                case "subjectBeginsWith" -> beginsWith = subject(value, at);
                case "subjectEndsWith" -> endsWith = subject(value, at);
                case "isSubjectCaseSensitive", "enableAdvancedFilteringOnArrays" -> checkFlag(value, at);
                case "advancedFilters" -> advanced = advancedFilters(value, at, location, arrays);
                case "anyOf" -> anyOf = anyOf(value, at, location, caseSensitive, arrays, depth);
                default -> unknownKey(diagnostics, at, name, FILTER_KEYS);
            }
        }
        return new EventFilter(location, eventTypes, beginsWith, endsWith, caseSensitive, advanced, anyOf);
    }

    /** {@code null} means every type: the key was omitted or lists {@code All}. */
    private List<String> eventTypes(JsonNode node, String path) {
        if (!node.isArray()) {
            diagnostics.error(path, "must be a list of event types, got " + Texts.authorType(node));
            return null;
        }
        if (node.isEmpty()) {
            diagnostics.error(path, "must not be empty; omit includedEventTypes to match every event type");
            return null;
        }
        List<String> types = new ArrayList<>();
        boolean all = false;
        for (int i = 0; i < node.size(); i++) {
            JsonNode type = node.get(i);
            String at = Paths.index(path, i);
            if (!type.isTextual()) {
                diagnostics.error(at, "must be an event type (a string), got " + Texts.authorType(type));
            } else if (type.textValue().isBlank()) {
                diagnostics.error(at, "must not be blank");
            } else {
                all |= type.textValue().equalsIgnoreCase(ALL_TYPES);
                types.add(type.textValue());
            }
        }
        return all ? null : types;
    }

    private String subject(JsonNode node, String path) {
        String text = Values.text(node, path, diagnostics);
        if (text != null && (text.indexOf('*') >= 0 || text.indexOf('?') >= 0)) {
            diagnostics.warning(path, Texts.quote(text) + " is compared literally; subject filters have no "
                    + "wildcards, so * and ? only match those characters");
        }
        return text;
    }

    private static boolean flag(JsonNode node, boolean inherited) {
        return node != null && node.isBoolean() ? node.booleanValue() : inherited;
    }

    private void checkFlag(JsonNode node, String path) {
        if (!node.isBoolean()) {
            diagnostics.error(path, "must be true or false, got " + Texts.authorType(node) + " " + Texts.shown(node));
        }
    }

    private List<AdvancedFilter> advancedFilters(JsonNode node, String path, String location, boolean arrays) {
        if (!node.isArray()) {
            diagnostics.error(path, "must be a list of advanced filters, got " + Texts.authorType(node));
            return List.of();
        }
        if (node.size() > EVENT_GRID_MAX_ADVANCED_FILTERS) {
            diagnostics.warning(path, node.size() + " advanced filters; Event Grid allows at most "
                    + EVENT_GRID_MAX_ADVANCED_FILTERS + " per subscription, so this filter cannot be copied to an "
                    + "Event Grid subscription as it is (it works here)");
        }
        List<AdvancedFilter> filters = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String name = "advancedFilters[" + i + "]";
            AdvancedFilter filter = advancedFilters.parse(node.get(i), Paths.index(path, i), location + name, arrays);
            if (filter != null) {
                filters.add(filter);
            }
        }
        return filters;
    }

    private List<EventFilter> anyOf(JsonNode node, String path, String location, boolean caseSensitive,
            boolean arrays, int depth) {
        if (depth >= MAX_ANY_OF_DEPTH) {
            diagnostics.error(path, "anyOf nests more than " + MAX_ANY_OF_DEPTH + " levels deep");
            return List.of();
        }
        if (!node.isArray()) {
            diagnostics.error(path, "must be a list of filter objects, got " + Texts.authorType(node));
            return List.of();
        }
        if (node.isEmpty()) {
            diagnostics.error(path, "must not be empty; omit anyOf when the filter has no alternatives");
            return List.of();
        }
        List<EventFilter> groups = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String groupLocation = location + "anyOf[" + i + "].";
            EventFilter group = filter(node.get(i), Paths.index(path, i), groupLocation, caseSensitive, arrays,
                    depth + 1);
            if (group != null) {
                groups.add(group);
            }
        }
        return groups;
    }

    /** Reports an unknown key, suggesting the closest known one or listing them all. */
    static void unknownKey(Diagnostics diagnostics, String path, String name, List<String> known) {
        String suggestion = Suggestions.closest(name, known).map(closest -> "; did you mean " + Texts.quote(closest)
                + "?").orElse("; known keys are " + String.join(", ", known));
        diagnostics.error(path, "unknown key " + Texts.quote(name) + suggestion);
    }
}
