package io.amlrouter.rules.template;

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
            out = template.instance()
                    .setAttribute(BoundedLoops.BUDGET_ATTRIBUTE, new BoundedLoops.Budget())
                    .data("event", new Resolvers.EventRoot(context.event()))
                    .data("rule", new Resolvers.RuleRoot(context.ruleName(),
                            context.ruleDescription() == null ? "" : context.ruleDescription()))
                    .render();
        } catch (TemplateException e) {
            throw new RenderException(describe(e));
        }
        if (out.length() > maxOutputChars) {
            throw new RenderException("the rendered text is " + out.length() + " characters, more than the limit of "
                    + maxOutputChars);
        }
        return out;
    }

    private static String describe(TemplateException e) {
        String msg = e.getMessage() == null ? "rendering failed" : e.getMessage();
        int nl = msg.indexOf('\n');
        msg = nl < 0 ? msg : msg.substring(0, nl);
        return msg.replace("Rendering error: ", "").replace("Rendering error in template [", "in [");
    }
}
