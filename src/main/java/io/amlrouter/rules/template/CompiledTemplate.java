package io.amlrouter.rules.template;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.amlrouter.events.MlEvent;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;

/** A parsed, checked template. Immutable; rendering does no parsing. */
public final class CompiledTemplate {

    private final Template template;
    private final String source;
    private final int maxOutputChars;
    private final boolean constant;

    CompiledTemplate(Template template, String source, int maxOutputChars, boolean constant) {
        this.template = template;
        this.source = source;
        this.maxOutputChars = maxOutputChars;
        this.constant = constant;
    }

    /** The template text as written. */
    public String source() {
        return source;
    }

    /** True when the template has no placeholder: it always renders to its source. */
    public boolean isConstant() {
        return constant;
    }

    public String render(TemplateContext context) throws RenderException {
        if (constant) {
            return source;
        }
        String out;
        try {
            var instance = template.instance()
                    .setAttribute(BoundedLoops.BUDGET_ATTRIBUTE, new BoundedLoops.Budget())
                    .data("event", new Resolvers.EventRoot(context.event()))
                    .data("rule", new Resolvers.RuleRoot(context.ruleName(),
                            context.ruleDescription() == null ? "" : context.ruleDescription()));
            if (context.digest() != null) {
                instance.data("digest", new Resolvers.DigestRoot(context.digest()));
            }
            out = instance.render();
        } catch (TemplateException e) {
            throw new RenderException(describe(e, context.event()));
        }
        if (out.length() > maxOutputChars) {
            throw new RenderException("the rendered text is " + out.length() + " characters, more than the limit of "
                    + maxOutputChars);
        }
        return out;
    }

    /** Qute's message names the missing property with its base's Java class: {@code "owner" not found on the base object "...Resolvers$JsonObject"}. */
    private static final Pattern NOT_FOUND = Pattern.compile("Property \"([^\"]*)\" not found");
    private static final Pattern BASE_OBJECT = Pattern.compile(" on the base object \"[^\"]*\"");

    /**
     * Says what a rule author can act on: which placeholder, which event, which member was missing, and how
     * to give a default; never the resolvers' Java classes.
     */
    static String describe(TemplateException e, MlEvent event) {
        Object expression = e.getArguments() == null ? null : e.getArguments().get("expression");
        Matcher m = NOT_FOUND.matcher(e.getArguments() == null ? "" : String.valueOf(e.getArguments().get("prop")));
        if (expression != null && m.find()) { // Qute's PROPERTY_NOT_FOUND
            String expr = expression.toString();
            String member = m.group(1);
            String path = expr.startsWith("event.") ? expr.substring("event.".length()) : expr;
            return "{" + expr + "}: event " + event.id() + " (" + event.type() + ") has no value for \"" + member
                    + "\" (" + path + " is missing or null). Give a default, {" + expr + " ?: 'none'} or {" + expr
                    + " or 'none'}, or render it only when present: {#if " + expr + "??}...{/if}";
        }
        String msg = e.getMessage() == null ? "rendering failed" : e.getMessage();
        int nl = msg.indexOf('\n');
        msg = nl < 0 ? msg : msg.substring(0, nl);
        msg = BASE_OBJECT.matcher(msg).replaceAll("");
        return "event " + event.id() + " (" + event.type() + "): "
                + msg.replace("Rendering error: ", "").replace("Rendering error in template [", "in [");
    }
}
