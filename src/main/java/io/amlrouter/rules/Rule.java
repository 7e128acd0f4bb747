package io.amlrouter.rules;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.action.ActionSpec;
import io.amlrouter.rules.action.RateLimit;
import io.amlrouter.rules.filter.EventFilter;
import io.amlrouter.rules.template.TemplateScope;

/**
 * One compiled rule: when its filter matches an event, its actions run in order of declaration
 * (each independently; one failing does not stop the others).
 *
 * @param filterSource the filter as written, shown by {@code GET /rules}
 * @param actionSources the actions as written, shown by {@code GET /rules}
 * @param scope the event types the filter lets through, as far as it tells
 * @param limits the rate limits of the actions that have one, by action index
 */
public record Rule(String name, String description, EventFilter filter, JsonNode filterSource,
        List<ActionSpec> actions, List<JsonNode> actionSources, TemplateScope scope, Map<Integer, RateLimit> limits) {

    public Rule {
        actions = List.copyOf(actions);
        actionSources = List.copyOf(actionSources);
        limits = Map.copyOf(limits);
    }

    /** A rule whose actions have no rate limit. */
    public Rule(String name, String description, EventFilter filter, JsonNode filterSource, List<ActionSpec> actions,
            List<JsonNode> actionSources, TemplateScope scope) {
        this(name, description, filter, filterSource, actions, actionSources, scope, Map.of());
    }

    /** The rate limit of the action at {@code index}, if it has one. */
    public Optional<RateLimit> limit(int index) {
        return Optional.ofNullable(limits.get(index));
    }
}
