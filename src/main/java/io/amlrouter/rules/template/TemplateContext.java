package io.amlrouter.rules.template;

import io.amlrouter.events.MlEvent;

/**
 * What a placeholder can see while rendering: {@code event} (the event being routed) and {@code rule}
 * (the rule that matched it).
 */
public record TemplateContext(MlEvent event, String ruleName, String ruleDescription) {
}
