package io.amlrouter.rules.action;

import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.template.TemplateContext;

/**
 * One action about to run: the event, the rule that matched it and the action's position in the
 * rule. (event id, rule, index) identifies the action's outcome, and derives idempotent names.
 */
public record ActionContext(MlEvent event, String ruleName, String ruleDescription, int actionIndex) {

    public TemplateContext templates() {
        return new TemplateContext(event, ruleName, ruleDescription);
    }
}
