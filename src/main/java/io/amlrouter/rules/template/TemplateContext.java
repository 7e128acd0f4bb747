package io.amlrouter.rules.template;

import io.amlrouter.events.MlEvent;

/**
 * What a placeholder can see while rendering: {@code event} (the event being routed), {@code rule}
 * (the rule that matched it) and, for a digest of a grouped action, {@code digest} (null otherwise).
 */
public record TemplateContext(MlEvent event, String ruleName, String ruleDescription, DigestView digest) {

    public TemplateContext(MlEvent event, String ruleName, String ruleDescription) {
        this(event, ruleName, ruleDescription, null);
    }

    /** The context of a digest: {@code event} is its first event. */
    public static TemplateContext ofDigest(DigestView digest, String ruleName, String ruleDescription) {
        return new TemplateContext(digest.events().get(0), ruleName, ruleDescription, digest);
    }
}
