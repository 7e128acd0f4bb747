package io.amlrouter.rules.filter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One row of a semantics table: a filter (YAML), an event, and whether Event Grid's rules say it matches. Every table
 * feeds {@link ExplainConsistencyTest} too.
 */
record FilterCase(String name, String filter, JsonNode event, boolean expected) {

    static FilterCase match(String name, String filter, JsonNode event) {
        return new FilterCase(name + " → match", filter, event, true);
    }

    static FilterCase noMatch(String name, String filter, JsonNode event) {
        return new FilterCase(name + " → no match", filter, event, false);
    }

    EventFilter compiled() {
        return TestData.filter(filter);
    }

    @Override
    public String toString() {
        return name;
    }
}
