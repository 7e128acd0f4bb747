package io.amlrouter.rules.action;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.Diagnostics;
import io.amlrouter.rules.StrictObject;
import io.amlrouter.rules.Suggestions;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * Reads the actions of a rule: each is a mapping with exactly one key naming its kind
 * ({@code email}, {@code amlJob}, ...) whose value holds the action's fields.
 */
public final class ActionParsers {

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
        return switch (kind.get()) {
            case EMAIL -> StrictObject.open(entry.getValue(), kindPath, d, EmailAction.KEYS)
                    .flatMap(o -> EmailAction.parse(o, scope, templates, builtIns, settings));
            case WEBHOOK -> StrictObject.open(entry.getValue(), kindPath, d, WebhookAction.KEYS)
                    .flatMap(o -> WebhookAction.parse(o, scope, templates, settings));
            case AML_JOB -> StrictObject.open(entry.getValue(), kindPath, d, AmlJobAction.KEYS)
                    .flatMap(o -> AmlJobAction.parse(o, scope, templates));
            case ADF_PIPELINE_RUN -> StrictObject.open(entry.getValue(), kindPath, d, AdfPipelineRunAction.KEYS)
                    .flatMap(o -> AdfPipelineRunAction.parse(o, scope, templates));
            case AML_PIPELINE_ENDPOINT -> StrictObject.open(entry.getValue(), kindPath, d, AmlPipelineEndpointAction.KEYS)
                    .flatMap(o -> AmlPipelineEndpointAction.parse(o, scope, templates, settings));
            case AML_ONLINE_DEPLOYMENT -> StrictObject.open(entry.getValue(), kindPath, d, AmlOnlineDeploymentAction.KEYS)
                    .flatMap(o -> AmlOnlineDeploymentAction.parse(o, scope, templates));
        };
    }

    public static List<String> kinds() {
        return ActionKind.keys();
    }
}
