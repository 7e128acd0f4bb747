package io.amlrouter.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What one rule said about one event when it was routed: matched, or the first failing part of its filter with the
 * dry run's reason ({@code POST /rules/evaluate} says the same for the same rules and event).
 *
 * @param rule the rule's name
 * @param filter where the failing part sits in the rule's filter ({@code includedEventTypes},
 *        {@code advancedFilters[1]}, {@code anyOf}, ...); null when matched
 * @param reason one sentence saying what was compared and why it failed; null when matched
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleVerdict(String rule, boolean matched, String filter, String reason) {

    public static RuleVerdict match(String rule) {
        return new RuleVerdict(rule, true, null, null);
    }

    public static RuleVerdict mismatch(String rule, String filter, String reason) {
        return new RuleVerdict(rule, false, filter, reason);
    }
}
