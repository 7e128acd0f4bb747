package io.amlrouter.fuzz;

import java.util.Optional;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.filter.EventFilter;
import io.amlrouter.rules.filter.FilterParser;
import io.amlrouter.rules.filter.FilterResult;

/**
 * Fuzzes the filter parser and evaluator with structured input: a filter tree and an event tree, both decoded from the
 * fuzzer's bytes by {@link JsonBytes} (deep nesting, long arrays, nulls, huge and non-finite numbers, filter
 * vocabulary).
 *
 * <p>
 * Asserts: {@link FilterParser#parse} never throws and returns a filter exactly when it reported no error; a compiled
 * filter's {@link EventFilter#matches} and {@link EventFilter#explain} never throw and always agree, on the fuzzed
 * event and on every Azure ML fixture event.
 */
class EventFilterFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void filterParsesAndExplainAgreesWithMatches(byte[] input) {
        JsonBytes bytes = new JsonBytes(input);
        JsonNode filterNode = bytes.value();
        JsonNode event = bytes.value();

        Diagnostics diagnostics = new Diagnostics();
        Optional<EventFilter> filter = FilterParser.parse(filterNode, "rules[0].filter", diagnostics);
        if (filter.isPresent() == diagnostics.hasErrors()) {
            throw new AssertionError("parse returned " + filter + " with errors " + diagnostics.errors());
        }
        if (filter.isEmpty()) {
            return;
        }
        check(filter.get(), event);
        for (MlEvent fixture : FuzzFixtures.EVENTS) {
            check(filter.get(), fixture.raw());
        }
    }

    static void check(EventFilter filter, JsonNode event) {
        boolean matches = filter.matches(event);
        FilterResult result = filter.explain(event);
        boolean explained = result instanceof FilterResult.Matched;
        if (matches != explained || result.matched() != matches) {
            throw new AssertionError("matches() says " + matches + " but explain() says " + result + " for filter "
                    + filter + " and event " + abbreviated(event));
        }
        if (result instanceof FilterResult.NotMatched notMatched && notMatched.mismatch().reason().isBlank()) {
            throw new AssertionError("a mismatch without a reason: " + notMatched);
        }
    }

    private static String abbreviated(JsonNode event) {
        String text;
        try {
            text = String.valueOf(event);
        } catch (StackOverflowError e) {
            return "(an event too deep to print)";
        }
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }
}
