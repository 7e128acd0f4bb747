package io.amlrouter.rules.filter;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Why a filter did not match an event: the first failing part, what it expected and what the event had.
 *
 * <p>
 * This is what the dry run ({@code POST /rules/evaluate}) shows, so {@link #reason} is a sentence a user can act on
 * without reading code, and the other fields let a UI point at the exact place. Fields that do not apply are
 * {@code null} and left out of the JSON.
 *
 * @param filter where the failing part sits inside the filter object: {@code includedEventTypes},
 *        {@code subjectBeginsWith}, {@code subjectEndsWith}, {@code advancedFilters[1]}, {@code anyOf},
 *        {@code anyOf[0].advancedFilters[2]}
 * @param key the event key compared: {@code eventType} for {@code includedEventTypes}, {@code subject} for the subject
 *        filters, the filter's {@code key} as written for an advanced filter; {@code null} for {@code anyOf}
 * @param operatorType the advanced filter's operator; {@code null} for the other kinds
 * @param expected the filter's values as written (a range is a two-element list); empty for the null checks and
 *        {@code anyOf}
 * @param actual the event's value at {@code key}; {@code null} when it is missing (then {@code missing} is true) and for
 *        {@code anyOf}; a JSON {@code null} value is kept as a JSON null
 * @param missing whether the event has no value at {@code key}
 * @param reason one sentence saying what was compared and why it failed
 * @param alternatives for {@code anyOf} only: the first failure of each group, in order; otherwise empty
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "filter", "key", "operatorType", "expected", "actual", "missing", "reason", "alternatives" })
public record Mismatch(String filter, String key, String operatorType, List<Object> expected, JsonNode actual,
        boolean missing, String reason, List<Mismatch> alternatives) {

    public Mismatch {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(reason, "reason");
        expected = expected == null ? List.of() : List.copyOf(expected);
        alternatives = alternatives == null ? List.of() : List.copyOf(alternatives);
    }
}
