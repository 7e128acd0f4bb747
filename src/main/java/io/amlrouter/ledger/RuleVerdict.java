package io.amlrouter.ledger;

import java.util.Objects;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What one rule said about one event when it was routed: matched, or the first failing part of its filter with the
 * dry run's reason ({@code POST /rules/evaluate} says the same for the same rules and event).
 *
 * <p>
 * The reason of a near miss may be given as a {@link #mismatchWrittenWhenRead way to write it}: it is then
 * written the first time it is read (by the history, the console, or the Redis ledger storing the record) and kept.
 * The router records a verdict for every rule of every event, and writing each sentence at once cost more than
 * evaluating the rules (docs/performance.md); most are never read. A value class rather than a record for that
 * reason; equal when rule, matched, filter and reason are.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "rule", "matched", "filter", "reason" })
public final class RuleVerdict {

    /** What a reason not yet written is assumed to weigh, in characters (the in-memory ledger's size estimate). */
    public static final int UNWRITTEN_REASON_CHARS = 160;

    private final String rule;
    private final boolean matched;
    private final String filter;
    /** The reason: a {@code String}, null, or the {@code Supplier<String>} that writes it (replaced once read). */
    private volatile Object reason;

    /**
     * @param rule the rule's name
     * @param matched whether the rule matched
     * @param filter where the failing part sits in the rule's filter ({@code includedEventTypes},
     *        {@code advancedFilters[1]}, {@code anyOf}, ...); null when matched
     * @param reason one sentence saying what was compared and why it failed; null when matched
     */
    @JsonCreator
    public RuleVerdict(@JsonProperty("rule") String rule, @JsonProperty("matched") boolean matched,
            @JsonProperty("filter") String filter, @JsonProperty("reason") String reason) {
        this.rule = rule;
        this.matched = matched;
        this.filter = filter;
        this.reason = reason;
    }

    private RuleVerdict(String rule, String filter, Supplier<String> reason) {
        this.rule = rule;
        this.matched = false;
        this.filter = filter;
        this.reason = reason;
    }

    public static RuleVerdict match(String rule) {
        return new RuleVerdict(rule, true, null, null);
    }

    public static RuleVerdict mismatch(String rule, String filter, String reason) {
        return new RuleVerdict(rule, false, filter, reason);
    }

    /** A mismatch whose reason is written by {@code reason} when first read. */
    public static RuleVerdict mismatchWrittenWhenRead(String rule, String filter, Supplier<String> reason) {
        return new RuleVerdict(rule, filter, Objects.requireNonNull(reason));
    }

    @JsonProperty("rule")
    public String rule() {
        return rule;
    }

    @JsonProperty("matched")
    public boolean matched() {
        return matched;
    }

    @JsonProperty("filter")
    public String filter() {
        return filter;
    }

    @JsonProperty("reason")
    public String reason() {
        Object r = reason;
        if (r instanceof Supplier<?> writer) {
            String written = (String) writer.get();
            reason = written;
            return written;
        }
        return (String) r;
    }

    /** The reason's length, or {@link #UNWRITTEN_REASON_CHARS} while it is not written yet; 0 without one. */
    public int reasonLength() {
        Object r = reason;
        return r instanceof String s ? s.length() : r == null ? 0 : UNWRITTEN_REASON_CHARS;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RuleVerdict v && matched == v.matched && Objects.equals(rule, v.rule)
                && Objects.equals(filter, v.filter) && Objects.equals(reason(), v.reason());
    }

    @Override
    public int hashCode() {
        return Objects.hash(rule, matched, filter, reason());
    }

    @Override
    public String toString() {
        return "RuleVerdict[rule=" + rule + ", matched=" + matched + ", filter=" + filter + ", reason=" + reason() + "]";
    }
}
