package io.amlrouter.rules.filter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The positive core of an advanced filter: does one event value of the right type satisfy at least one filter value?
 *
 * <p>
 * Everything Event Grid specifies around that core (missing keys, wrong types, arrays, "Not" operators failing when any
 * value matches) is the same for every operator and lives once, in {@link AdvancedFilter}. The phrases are for
 * {@link EventFilter#explain explanations} only and are never used on the hot path.
 */
sealed interface ValueTest permits NumberTest, RangeTest, BoolTest, StringTest {

    /** Whether {@code value} has the JSON type this test compares; values of another type are ignored. */
    boolean accepts(JsonNode value);

    /** Whether an {@link #accepts accepted} value satisfies at least one of the filter's values. */
    boolean hits(JsonNode value);

    /** Plural name of the compared type for messages: "numbers", "strings", "booleans". */
    String typeName();

    /** What a hit looks like, e.g. {@code is one of [Failed, Canceled]}. */
    String phrase();

    /** What a miss looks like, e.g. {@code is not one of [Failed, Canceled]}. */
    String negatedPhrase();

    /** Which filter value a hit value satisfied, e.g. {@code equals "true"}. Only called with a hit. */
    String hitDetail(JsonNode value);
}
