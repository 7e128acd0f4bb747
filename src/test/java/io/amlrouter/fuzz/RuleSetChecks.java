package io.amlrouter.fuzz;

import java.util.List;
import java.util.regex.Pattern;

import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.action.ActionContext;
import io.amlrouter.rules.action.ActionSpec;
import io.amlrouter.rules.action.RenderedAction;
import io.amlrouter.rules.action.RenderedEmail;
import io.amlrouter.rules.template.RenderException;

/**
 * What must hold for any loaded rule set and any event: matching and explaining agree, and every action either renders
 * within bounds or fails with {@link RenderException} (the only failure the action pipeline expects).
 */
final class RuleSetChecks {

    /** The limit {@code RuleSetLoader.withDefaults()} gives its templates. */
    static final int MAX_RENDERED_CHARS = 100_000;

    private static final Pattern LINE_BREAK = Pattern.compile("[\\r\\n]");

    private RuleSetChecks() {
    }

    static void check(RuleSet rules, List<MlEvent> events) {
        for (MlEvent event : events) {
            List<Rule> matching = rules.matching(event);
            rules.acceptsWorkspace(event);
            for (Rule rule : rules.rules()) {
                EventFilterFuzzTest.check(rule.filter(), event.raw());
                if (matching.contains(rule) != rule.filter().matches(event.raw())) {
                    throw new AssertionError("RuleSet.matching disagrees with the filter of " + rule.name());
                }
                for (int i = 0; i < rule.actions().size(); i++) {
                    render(rule, rule.actions().get(i), new ActionContext(event, rule.name(), rule.description(), i));
                }
            }
        }
    }

    private static void render(Rule rule, ActionSpec action, ActionContext context) {
        RenderedAction rendered;
        try {
            rendered = action.render(context);
        } catch (RenderException e) {
            return;
        }
        if (rendered instanceof RenderedEmail mail) {
            within(rule, "subject", mail.subject());
            within(rule, "html", mail.html());
            within(rule, "text", mail.text());
            if (mail.to().isEmpty()) {
                throw new AssertionError(rule.name() + ": a mail without a recipient rendered");
            }
            if (LINE_BREAK.matcher(mail.subject()).find()) {
                throw new AssertionError(rule.name() + ": a subject with a line break rendered: " + mail.subject());
            }
            for (String address : mail.to()) {
                if (LINE_BREAK.matcher(address).find()) {
                    throw new AssertionError(rule.name() + ": an address with a line break rendered: " + address);
                }
            }
        }
    }

    private static void within(Rule rule, String part, String text) {
        if (text != null && text.length() > MAX_RENDERED_CHARS) {
            throw new AssertionError(rule.name() + ": the " + part + " rendered to " + text.length()
                    + " characters, more than " + MAX_RENDERED_CHARS);
        }
    }
}
