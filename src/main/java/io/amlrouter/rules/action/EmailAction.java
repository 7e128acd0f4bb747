package io.amlrouter.rules.action;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.template.CompiledTemplate;
import io.amlrouter.rules.template.DigestView;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateContext;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * {@code email}: a mail to static or event-derived recipients, with a built-in template or inline
 * HTML/text. Addresses are validated (static ones at load, templated ones at render), header values
 * lose CR/LF and control characters, and event values are HTML-escaped in HTML bodies. With
 * {@code rules.allowed-recipient-domains}, static addresses outside them are a load error. A templated
 * address (from event data) that is not a mail address or is outside those domains is left out of the mail
 * and named in {@link RenderedEmail#leftOut()}; the mail still goes to the others, so a bad run tag does not
 * cost the team its mail.
 */
public record EmailAction(List<CompiledTemplate> to, List<CompiledTemplate> cc, List<CompiledTemplate> bcc,
        CompiledTemplate subject, CompiledTemplate html, CompiledTemplate text, String template, int maxRecipients,
        List<String> recipientDomains, Optional<Grouping> group) implements ActionSpec, GroupableAction {

    static final List<String> KEYS = List.of("to", "cc", "bcc", "subject", "template", "html", "text", "group");

    private static final Pattern ADDRESS = Pattern.compile(
            "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]+");
    private static final Pattern SEPARATORS = Pattern.compile("[,;]");
    private static final int MAX_SHOWN = 200;

    @Override
    public ActionKind kind() {
        return ActionKind.EMAIL;
    }

    /**
     * The mail for one event; for a grouped action, the digest it would be part of, listing only this event
     * (what the dry run shows).
     */
    @Override
    public RenderedAction render(ActionContext context) throws RenderException {
        if (group.isPresent()) {
            TemplateContext single = context.templates();
            return renderDigest(new DigestView(group.get().key(single), List.of(context.event()), 1),
                    context.ruleName(), context.ruleDescription());
        }
        return render(context.templates());
    }

    /** The digest mail of a group: recipients and every template rendered with {@code digest} set. */
    @Override
    public RenderedAction renderDigest(DigestView digest, String ruleName, String ruleDescription)
            throws RenderException {
        return render(TemplateContext.ofDigest(digest, ruleName, ruleDescription));
    }

    private RenderedAction render(TemplateContext t) throws RenderException {
        List<String> leftOut = new ArrayList<>();
        List<String> toAddresses = addresses(to, t, "to", leftOut);
        List<String> ccAddresses = addresses(cc, t, "cc", leftOut);
        List<String> bccAddresses = addresses(bcc, t, "bcc", leftOut);
        if (toAddresses.isEmpty()) {
            throw new RenderException("no recipient in \"to\" after rendering"
                    + (leftOut.isEmpty() ? "" : " (left out: " + String.join("; ", leftOut) + ")"));
        }
        int total = toAddresses.size() + ccAddresses.size() + bccAddresses.size();
        if (total > maxRecipients) {
            throw new RenderException(total + " recipients, more than the limit of " + maxRecipients);
        }
        String renderedSubject = headerValue(subject.render(t));
        return new RenderedEmail(toAddresses, ccAddresses, bccAddresses, renderedSubject,
                html == null ? null : html.render(t), text == null ? null : text.render(t), leftOut);
    }

    /** The valid, allowed addresses of one field; the others are described in {@code leftOut}. */
    private List<String> addresses(List<CompiledTemplate> templates, TemplateContext t, String field,
            List<String> leftOut) throws RenderException {
        Set<String> out = new LinkedHashSet<>();
        for (CompiledTemplate template : templates) {
            for (String part : SEPARATORS.split(template.render(t))) {
                String address = headerValue(part);
                if (address.isEmpty()) {
                    continue;
                }
                if (!ADDRESS.matcher(address).matches()) {
                    leftOut.add(field + ": \"" + shown(address) + "\" (from " + template.source()
                            + ") is not a mail address");
                } else if (!ActionSettings.recipientAllowed(recipientDomains, address)) {
                    leftOut.add(field + ": \"" + shown(address) + "\" (from " + template.source()
                            + ") is outside rules.allowed-recipient-domains " + recipientDomains);
                } else {
                    out.add(address);
                }
            }
        }
        return List.copyOf(out);
    }

    /** An address as messages quote it: event data, so bounded. */
    private static String shown(String address) {
        return address.length() > MAX_SHOWN ? address.substring(0, MAX_SHOWN) + "..." : address;
    }

    /** A header value: control characters (CR, LF, ...) become spaces, runs collapse, ends trimmed. */
    static String headerValue(String value) {
        return CONTROL.matcher(value).replaceAll(" ").replaceAll(" {2,}", " ").strip();
    }

    /** Reads an {@code email} action. */
    static Optional<ActionSpec> parse(StrictObject o, TemplateScope scope, Templates templates,
            BuiltInEmailTemplates builtIns, ActionSettings settings) {
        Diagnostics d = o.diagnostics();
        int before = d.errors().size();
        List<CompiledTemplate> to = recipients(o, "to", true, scope, templates, settings);
        List<CompiledTemplate> cc = recipients(o, "cc", false, scope, templates, settings);
        List<CompiledTemplate> bcc = recipients(o, "bcc", false, scope, templates, settings);
        long staticCount = java.util.stream.Stream.of(to, cc, bcc).flatMap(List::stream)
                .filter(CompiledTemplate::isConstant).count();
        if (staticCount > settings.maxRecipients()) {
            d.error(o.path(), staticCount + " recipients, more than the limit of " + settings.maxRecipients()
                    + " (rules.max-recipients)");
        }
        Optional<String> templateName = o.string("template", false);
        boolean inline = o.has("html") || o.has("text");
        Optional<Grouping> group = Grouping.parse(o, scope, templates);
        boolean grouped = o.has("group");
        CompiledTemplate subject = o.string("subject", false)
                .flatMap(s -> templates.compile(s, false, o.path("subject"), scope, d, grouped)).orElse(null);
        CompiledTemplate html = null;
        CompiledTemplate text = null;
        if (templateName.isPresent() && inline) {
            d.error(o.path(), "give either \"template\" (a built-in) or inline \"html\"/\"text\", not both");
        } else if (templateName.isPresent()) {
            var builtIn = grouped ? builtIns.digest(templateName.get()) : builtIns.get(templateName.get());
            if (builtIn.isEmpty()) {
                d.error(o.path("template"), "unknown template \"" + templateName.get() + "\"; built-in templates: "
                        + String.join(", ", builtIns.names()));
            } else if (!builtIn.get().supports(scope)) {
                d.error(o.path("template"), "template \"" + builtIn.get().name() + "\" is made for "
                        + builtIn.get().types() + ", but this rule can match "
                        + (scope.isKnown() ? scope.types().toString() : "any event type")
                        + "; limit filter.includedEventTypes or use template \"generic\"");
            } else {
                html = builtIn.get().html();
                text = builtIn.get().text();
                if (subject == null) {
                    subject = builtIn.get().subject();
                }
            }
        } else if (inline) {
            html = o.string("html", false).flatMap(s -> templates.compile(s, true, o.path("html"), scope, d, grouped))
                    .orElse(null);
            text = o.string("text", false).flatMap(s -> templates.compile(s, false, o.path("text"), scope, d, grouped))
                    .orElse(null);
            if (grouped && !mentionsDigest(html) && !mentionsDigest(text)) {
                d.warning(o.path("group"), "a grouped mail is sent once per group: its inline html/text name no "
                        + "digest.* value, so it shows only the group's first event; list them with "
                        + "{#for e in digest.events}...{/for} (docs/actions.md, \"Digests\")");
            }
            if (subject == null && !o.has("subject")) {
                d.error(o.path("subject"), "is required with inline html/text");
            }
        } else {
            d.error(o.path(), "needs \"template\" (one of " + String.join(", ", builtIns.names())
                    + ") or inline \"html\"/\"text\"");
        }
        if (d.errors().size() > before) {
            return Optional.empty();
        }
        return Optional.of(new EmailAction(to, cc, bcc, subject, html, text, templateName.orElse(null),
                settings.maxRecipients(), settings.recipientDomains(), group));
    }

    private static boolean mentionsDigest(CompiledTemplate template) {
        return template != null && template.source().contains("digest.");
    }

    private static List<CompiledTemplate> recipients(StrictObject o, String key, boolean required, TemplateScope scope,
            Templates templates, ActionSettings settings) {
        Optional<List<String>> values = o.strings(key, required);
        if (values.isEmpty()) {
            return List.of();
        }
        List<CompiledTemplate> out = new ArrayList<>();
        List<String> list = values.get();
        for (int i = 0; i < list.size(); i++) {
            String path = o.path(key) + (list.size() > 1 || o.node(key).map(n -> n.isArray()).orElse(false) ? "[" + i + "]" : "");
            Optional<CompiledTemplate> t = templates.compile(list.get(i), false, path, scope, o.diagnostics());
            if (t.isEmpty()) {
                continue;
            }
            if (t.get().isConstant()) {
                for (String part : SEPARATORS.split(list.get(i))) {
                    String address = part.strip();
                    if (!address.isEmpty() && !ADDRESS.matcher(address).matches()) {
                        o.diagnostics().error(path, "\"" + address + "\" is not a mail address");
                    } else if (!address.isEmpty() && !settings.recipientAllowed(address)) {
                        o.diagnostics().error(path, "\"" + address + "\" is outside rules.allowed-recipient-domains "
                                + settings.recipientDomains());
                    }
                }
            }
            out.add(t.get());
        }
        return List.copyOf(out);
    }
}
