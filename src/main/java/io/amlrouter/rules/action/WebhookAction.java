package io.amlrouter.rules.action;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.template.DigestView;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateContext;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * {@code webhook}: {@code POST} a JSON body (with placeholders) to a URL fixed in the rules file, with
 * static headers and headers whose values come from configured secrets. The rules file names a secret
 * ({@code secretHeaders: {Authorization: teams-webhook}}); its value is read from
 * {@code actions.secrets.<name>} when the request is sent, so it is never in the rules, in
 * {@code GET /rules}, in the dry run or in a log line.
 *
 * @param headers static headers, in order
 * @param secretHeaders header name to secret name
 */
public record WebhookAction(URI url, Map<String, String> headers, Map<String, String> secretHeaders, JsonTemplate body,
        Optional<Grouping> group) implements ActionSpec, GroupableAction {

    static final List<String> KEYS = List.of("url", "headers", "secretHeaders", "body", "group");

    /** RFC 9110 token characters. */
    private static final Pattern HEADER_NAME = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");
    /** Secret names: they become {@code actions.secrets.<name>} / {@code ACTIONS_SECRETS_<NAME>}. */
    private static final Pattern SECRET_NAME = Pattern.compile("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$");
    /** Headers the HTTP client owns. */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "transfer-encoding",
            "connection", "upgrade", "te", "trailer", "keep-alive", "expect");

    public WebhookAction {
        headers = Map.copyOf(headers);
        secretHeaders = Map.copyOf(secretHeaders);
    }

    @Override
    public ActionKind kind() {
        return ActionKind.WEBHOOK;
    }

    /**
     * The call for one event; for a grouped action, the digest it would be part of, listing only this event
     * (what the dry run shows).
     */
    @Override
    public RenderedAction render(ActionContext context) throws RenderException {
        if (group.isPresent()) {
            return renderDigest(new DigestView(group.get().key(context.templates()), List.of(context.event()), 1),
                    context.ruleName(), context.ruleDescription());
        }
        return call(body.render(context.templates()));
    }

    /**
     * The digest of a group: one {@code POST} of
     * {@code {"digest": {"rule", "key", "count", "more"}, "events": [body rendered for each listed event]}}.
     */
    @Override
    public RenderedAction renderDigest(DigestView digest, String ruleName, String ruleDescription)
            throws RenderException {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode about = out.putObject("digest");
        about.put("rule", ruleName);
        if (digest.key() != null && !digest.key().isEmpty()) {
            about.put("key", digest.key());
        }
        about.put("count", digest.count());
        about.put("more", digest.more());
        ArrayNode events = out.putArray("events");
        for (var event : digest.events()) {
            events.add(body.render(new TemplateContext(event, ruleName, ruleDescription)));
        }
        return call(out);
    }

    private RenderedWebhook call(JsonNode rendered) {
        return new RenderedWebhook(url.toString(), new LinkedHashMap<>(headers), new LinkedHashMap<>(secretHeaders),
                rendered);
    }

    static Optional<ActionSpec> parse(StrictObject o, TemplateScope scope, Templates templates,
            ActionSettings settings) {
        Diagnostics d = o.diagnostics();
        int before = d.errors().size();
        Optional<URI> url = OutboundUrls.parse(o, "url", settings);
        Map<String, String> headers = new LinkedHashMap<>();
        o.object("headers", false).ifPresent(h -> StrictObject.entries(h).forEach(e -> {
            String path = o.path("headers") + "." + e.getKey();
            if (checkName(e.getKey(), path, d) && checkValue(e.getValue(), path, d)) {
                headers.put(e.getKey(), e.getValue().asText());
            }
        }));
        Map<String, String> secretHeaders = new LinkedHashMap<>();
        o.object("secretHeaders", false).ifPresent(h -> StrictObject.entries(h).forEach(e -> {
            String path = o.path("secretHeaders") + "." + e.getKey();
            if (!checkName(e.getKey(), path, d)) {
                return;
            }
            if (headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(e.getKey()))) {
                d.error(path, "header \"" + e.getKey() + "\" is also in headers; give it once");
                return;
            }
            JsonNode v = e.getValue();
            if (!v.isTextual() || !SECRET_NAME.matcher(v.textValue()).matches()) {
                d.error(path, "must name a secret (1-63 characters of a-z, 0-9 and '-'), got " + StrictObject.describe(v));
                return;
            }
            String secret = v.textValue();
            if (settings.secretDefined() != null && !settings.secretDefined().test(secret)) {
                d.error(path, "secret \"" + secret + "\" is not configured (actions.secrets." + secret + ", environment "
                        + "ACTIONS_SECRETS_" + secret.toUpperCase(Locale.ROOT).replace('-', '_') + ")");
                return;
            }
            secretHeaders.put(e.getKey(), secret);
        }));
        Optional<JsonNode> bodyNode = o.node("body");
        if (bodyNode.isEmpty()) {
            d.error(o.path("body"), "is required: the JSON body to post (a mapping, with placeholders)");
        }
        Optional<JsonTemplate> body = bodyNode.flatMap(b -> JsonTemplate.compile(b, o.path("body"), templates, scope, d));
        Optional<Grouping> group = Grouping.parse(o, scope, templates);
        if (d.errors().size() > before || url.isEmpty() || body.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new WebhookAction(url.get(), headers, secretHeaders, body.get(), group));
    }

    private static boolean checkName(String name, String path, Diagnostics d) {
        if (!HEADER_NAME.matcher(name).matches()) {
            d.error(path, "\"" + name + "\" is not a valid header name");
            return false;
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            d.error(path, "header \"" + name + "\" is set by the HTTP client and cannot be given");
            return false;
        }
        return true;
    }

    private static boolean checkValue(JsonNode value, String path, Diagnostics d) {
        if (!value.isValueNode() || value.isNull()) {
            d.error(path, "must be a string, got " + StrictObject.describe(value));
            return false;
        }
        String text = value.asText();
        if (text.contains("{") && text.contains("}")) {
            d.error(path, "header values are fixed: placeholders are not allowed in headers");
            return false;
        }
        if (text.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
            d.error(path, "must not contain control characters (CR, LF, ...)");
            return false;
        }
        return true;
    }
}
