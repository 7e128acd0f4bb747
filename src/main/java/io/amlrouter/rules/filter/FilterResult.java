package io.amlrouter.rules.filter;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The answer of {@link EventFilter#explain}: matched, or not matched with the {@link Mismatch} that decided it.
 *
 * <p>
 * A closed set so that callers switch over it exhaustively. Both cases serialize with a {@code matched} flag
 * ({@code {"matched":true}}, {@code {"matched":false,"mismatch":{...}}}) so a JSON reader does not need type info.
 */
public sealed interface FilterResult permits FilterResult.Matched, FilterResult.NotMatched {

    /** Whether the filter matched the event. */
    boolean matched();

    /** The filter matched. */
    @RegisterForReflection
    record Matched() implements FilterResult {
        @Override
        @JsonProperty("matched")
        public boolean matched() {
            return true;
        }
    }

    /** The filter did not match; {@code mismatch} is the first failing part in evaluation order. */
    @RegisterForReflection
    @JsonPropertyOrder({ "matched", "mismatch" })
    record NotMatched(Mismatch mismatch) implements FilterResult {
        public NotMatched {
            Objects.requireNonNull(mismatch, "mismatch");
        }

        @Override
        @JsonProperty("matched")
        public boolean matched() {
            return false;
        }
    }
}
