package io.amlrouter.rules;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.action.ActionSpec;
import io.amlrouter.rules.filter.EventFilter;
import io.amlrouter.rules.template.TemplateScope;

/**
 * One compiled rule: when its filter matches an event, its actions run in order of declaration
 * (each independently; one failing does not stop the others).
 *
 * @param filterSource the filter as written, shown by {@code GET /rules}
 * @param actionSources the actions as written, shown by {@code GET /rules}
 * @param scope the event types the filter lets through, as far as it tells
 */
public record Rule(String name, String description, EventFilter filter, JsonNode filterSource,
        List<ActionSpec> actions, List<JsonNode> actionSources, TemplateScope scope) {

    public Rule {
        actions = List.copyOf(actions);
        actionSources = List.copyOf(actionSources);
    }
}
