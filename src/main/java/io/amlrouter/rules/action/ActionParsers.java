package io.amlrouter.rules.action;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.diagnostics.Suggestions;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * Reads the actions of a rule: each is a mapping with exactly one key naming its kind
 * ({@code email}, {@code amlJob}, ...) whose value holds the action's fields. Any kind may hold a
 * {@code limit} ({@link RateLimit}); it is read here, apart from the kind's own fields.
 */
public final class ActionParsers {

    /** The key of an action's rate limit, which every kind accepts. */
    public static final String LIMIT = "limit";

    /** One action read from the rules file, with its rate limit (null when it has none). */
    public record Parsed(ActionSpec spec, RateLimit limit) {
    }

    private final Templates templates;
    private final BuiltInEmailTemplates builtIns;
    private final ActionSettings settings;

    public ActionParsers(Templates templates, ActionSettings settings) {
        this.templates = templates;
        this.builtIns = new BuiltInEmailTemplates(templates);
        this.settings = settings;
    }

    public BuiltInEmailTemplates builtInEmailTemplates() {
        return builtIns;
    }

    /** Reads one action at {@code path} (e.g. {@code rules[0].actions[1]}). */
    public Optional<ActionSpec> parse(JsonNode action, String path, TemplateScope scope, Diagnostics d) {
        return parseWithLimit(action, path, scope, d).map(Parsed::spec);
    }

    /** Reads one action at {@code path} with its {@code limit}, if it has one. */
    public Optional<Parsed> parseWithLimit(JsonNode action, String path, TemplateScope scope, Diagnostics d) {
        if (action == null || !action.isObject() || action.size() != 1) {
            d.error(path, "an action is a mapping with exactly one key, the action kind ("
                    + String.join(", ", ActionKind.keys()) + "), got "
                    + (action != null && action.isObject() ? action.size() + " keys " + StrictObject.keys(action)
                            : StrictObject.describe(action)));
            return Optional.empty();
        }
        Map.Entry<String, JsonNode> entry = action.fields().next();
        String key = entry.getKey();
        Optional<ActionKind> kind = ActionKind.fromKey(key);
        String kindPath = path + "." + key;
        if (kind.isEmpty()) {
            d.error(kindPath, "unknown action kind \"" + key + "\""
                    + Suggestions.closest(key, ActionKind.keys()).map(k -> "; did you mean \"" + k + "\"?").orElse("")
                    + " (known: " + String.join(", ", ActionKind.keys()) + ")");
            return Optional.empty();
        }
        JsonNode fields = entry.getValue();
        RateLimit limit = null;
        boolean limitOk = true;
        if (fields != null && fields.isObject() && fields.has(LIMIT)) {
            ObjectNode withoutLimit = ((ObjectNode) fields).deepCopy();
            JsonNode limitNode = withoutLimit.remove(LIMIT);
            fields = withoutLimit;
            limit = RateLimit.parse(limitNode, kindPath + "." + LIMIT, scope, templates, d).orElse(null);
            limitOk = limit != null;
        }
        RateLimit parsedLimit = limit;
        boolean keep = limitOk;
        return spec(kind.get(), fields, kindPath, scope, d).filter(s -> keep).map(s -> new Parsed(s, parsedLimit));
    }

    private Optional<ActionSpec> spec(ActionKind kind, JsonNode fields, String kindPath, TemplateScope scope,
            Diagnostics d) {
        return switch (kind) {
            case EMAIL -> StrictObject.open(fields, kindPath, d, EmailAction.KEYS)
                    .flatMap(o -> EmailAction.parse(o, scope, templates, builtIns, settings));
            case WEBHOOK -> StrictObject.open(fields, kindPath, d, WebhookAction.KEYS)
                    .flatMap(o -> WebhookAction.parse(o, scope, templates, settings));
            case AML_JOB -> StrictObject.open(fields, kindPath, d, AmlJobAction.KEYS)
                    .flatMap(o -> AmlJobAction.parse(o, scope, templates));
            case ADF_PIPELINE_RUN -> StrictObject.open(fields, kindPath, d, AdfPipelineRunAction.KEYS)
                    .flatMap(o -> AdfPipelineRunAction.parse(o, scope, templates));
            case AML_PIPELINE_ENDPOINT -> StrictObject.open(fields, kindPath, d, AmlPipelineEndpointAction.KEYS)
                    .flatMap(o -> AmlPipelineEndpointAction.parse(o, scope, templates, settings));
            case AML_ONLINE_DEPLOYMENT -> StrictObject.open(fields, kindPath, d, AmlOnlineDeploymentAction.KEYS)
                    .flatMap(o -> AmlOnlineDeploymentAction.parse(o, scope, templates));
        };
    }

    public static List<String> kinds() {
        return ActionKind.keys();
    }
}
