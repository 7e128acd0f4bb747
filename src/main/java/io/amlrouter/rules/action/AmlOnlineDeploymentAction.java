package io.amlrouter.rules.action;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.Workspace;
import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.template.CompiledTemplate;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateContext;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * {@code amlOnlineDeployment}: Online Deployments - Create Or Update,
 * {@code PUT .../onlineEndpoints/{e}/deployments/{d}}, then a watch of the long-running operation that
 * announces the outcome as a synthetic event. Without {@code body} the request is a managed deployment
 * of {@code model} on {@code instanceCount} x {@code instanceType}; with it, {@code body} is the ARM
 * body and the shorthand fields given beside it are written into it.
 *
 * @param model {@code azureml:<name>:<version>}, an ARM id, or an {@code azureml://} registry id; null
 *        when the body names the model
 * @param instanceCount {@code sku.capacity}, or null (1 for a generated body, untouched in a given body)
 * @param location the deployment's region, or null to use the endpoint's
 * @param trafficPercent the endpoint traffic share to give the deployment once it succeeded, or null to
 *        leave traffic alone
 */
public record AmlOnlineDeploymentAction(WorkspaceRef workspace, CompiledTemplate endpoint, CompiledTemplate deployment,
        CompiledTemplate model, CompiledTemplate instanceType, Integer instanceCount, CompiledTemplate location,
        Integer trafficPercent, JsonTemplate body) implements ActionSpec {

    static final List<String> KEYS = List.of("workspace", "endpoint", "deployment", "model", "instanceType",
            "instanceCount", "location", "trafficPercent", "body");

    @Override
    public ActionKind kind() {
        return ActionKind.AML_ONLINE_DEPLOYMENT;
    }

    @Override
    public RenderedAction render(ActionContext context) throws RenderException {
        TemplateContext t = context.templates();
        Workspace ws = workspace.resolve(context.event());
        String endpointName = ArmNames.onlineName(endpoint.render(t).strip(), "endpoint", "online endpoint");
        String deploymentName = ArmNames.onlineName(deployment.render(t).strip(), "deployment", "online deployment");
        ObjectNode request;
        if (body == null) {
            request = JsonNodeFactory.instance.objectNode();
            request.putObject("sku").put("name", "Default").put("capacity", instanceCount == null ? 1 : instanceCount);
            ObjectNode properties = request.putObject("properties");
            properties.put("endpointComputeType", "Managed");
            properties.putObject("scaleSettings").put("scaleType", "Default");
        } else {
            JsonNode rendered = body.render(t);
            request = (ObjectNode) rendered;
            if (instanceCount != null) {
                ObjectNode sku = request.has("sku") && request.get("sku").isObject() ? (ObjectNode) request.get("sku")
                        : request.putObject("sku");
                if (!sku.has("name")) {
                    sku.put("name", "Default");
                }
                sku.put("capacity", instanceCount);
            }
        }
        ObjectNode properties = request.has("properties") && request.get("properties").isObject()
                ? (ObjectNode) request.get("properties") : request.putObject("properties");
        if (model != null) {
            properties.put("model", modelId(model.render(t).strip(), ws));
        }
        if (instanceType != null) {
            properties.put("instanceType", instanceType.render(t).strip());
        }
        if (location != null) {
            request.put("location", location.render(t).strip());
        }
        JsonNode modelRef = properties.get("model");
        if (modelRef == null || !modelRef.isTextual() || modelRef.textValue().isBlank()) {
            throw new RenderException("the deployment names no model (model, or body.properties.model)");
        }
        return new RenderedAmlOnlineDeployment(ws.armId(), endpointName, deploymentName, modelRef.textValue(), request,
                trafficPercent);
    }

    /** {@code azureml:name:version} becomes the model version's ARM id in the workspace; ids pass through. */
    static String modelId(String model, Workspace ws) throws RenderException {
        if (model.startsWith("azureml://")) {
            return model;
        }
        if (model.regionMatches(true, 0, "/subscriptions/", 0, "/subscriptions/".length())) {
            if (model.contains("..") || model.contains("?") || model.contains("#")) {
                throw new RenderException("model: \"" + model + "\" is not a model ARM id");
            }
            return model;
        }
        if (model.startsWith("azureml:")) {
            String[] parts = model.substring("azureml:".length()).split(":", -1);
            if (parts.length == 2) {
                String name = ArmNames.segment(parts[0], "model name");
                String version = ArmNames.segment(parts[1], "model version");
                return ws.armId() + "/models/" + name + "/versions/" + version;
            }
        }
        throw new RenderException("model: \"" + model + "\" is neither azureml:<name>:<version>, a model ARM id "
                + "(/subscriptions/...) nor a registry id (azureml://registries/...)");
    }

    static Optional<ActionSpec> parse(StrictObject o, TemplateScope scope, Templates templates) {
        Diagnostics d = o.diagnostics();
        int before = d.errors().size();
        Optional<WorkspaceRef> ws = WorkspaceRef.parse(o);
        CompiledTemplate endpoint = template(o, "endpoint", true, scope, templates);
        CompiledTemplate deployment = template(o, "deployment", true, scope, templates);
        constantName(o, "endpoint", endpoint, "online endpoint");
        constantName(o, "deployment", deployment, "online deployment");
        Optional<JsonNode> bodyNode = o.object("body", false);
        boolean hasBody = o.has("body");
        CompiledTemplate model = template(o, "model", false, scope, templates);
        CompiledTemplate instanceType = template(o, "instanceType", false, scope, templates);
        if (!hasBody && !o.has("model")) {
            d.error(o.path("model"), "is required (azureml:<name>:<version>, or a model ARM id) unless \"body\" is given");
        }
        if (!hasBody && !o.has("instanceType")) {
            d.error(o.path("instanceType"), "is required (e.g. Standard_DS3_v2) unless \"body\" is given");
        }
        OptionalInt instanceCount = o.integer("instanceCount", 1, 1000);
        OptionalInt traffic = o.integer("trafficPercent", 0, 100);
        CompiledTemplate location = template(o, "location", false, scope, templates);
        JsonTemplate body = bodyNode.flatMap(b -> JsonTemplate.compile(b, o.path("body"), templates, scope, d))
                .orElse(null);
        if (d.errors().size() > before || ws.isEmpty() || endpoint == null || deployment == null) {
            return Optional.empty();
        }
        return Optional.of(new AmlOnlineDeploymentAction(ws.get(), endpoint, deployment, model, instanceType,
                instanceCount.isPresent() ? instanceCount.getAsInt() : null, location,
                traffic.isPresent() ? traffic.getAsInt() : null, body));
    }

    /** A name without placeholders is checked against Azure's rule when the rules load (and by lint). */
    private static void constantName(StrictObject o, String key, CompiledTemplate name, String what) {
        if (name != null && name.isConstant()) {
            ArmNames.onlineNameError(name.source().strip(), what)
                    .ifPresent(error -> o.diagnostics().error(o.path(key), error));
        }
    }

    private static CompiledTemplate template(StrictObject o, String key, boolean required, TemplateScope scope,
            Templates templates) {
        return o.string(key, required).flatMap(s -> templates.compile(s, false, o.path(key), scope, o.diagnostics()))
                .orElse(null);
    }
}
