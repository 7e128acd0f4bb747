package io.amlrouter.rules.action;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.template.CompiledTemplate;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateContext;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * {@code amlPipelineEndpoint}: submits an Azure ML v1 published pipeline or pipeline endpoint,
 * {@code POST <url>} with {@code ExperimentName} and {@code ParameterAssignments}, authenticated with
 * an ARM-scoped Entra token. The URL is fixed in the rules file and checked like a webhook's.
 *
 * @param description optional run description, or null
 * @param parameterAssignments the pipeline parameters, or null for none
 */
public record AmlPipelineEndpointAction(URI url, CompiledTemplate experimentName, CompiledTemplate description,
        JsonTemplate parameterAssignments) implements ActionSpec {

    static final List<String> KEYS = List.of("url", "experimentName", "parameterAssignments", "description");

    @Override
    public ActionKind kind() {
        return ActionKind.AML_PIPELINE_ENDPOINT;
    }

    @Override
    public RenderedAction render(ActionContext context) throws RenderException {
        TemplateContext t = context.templates();
        String experiment = experimentName.render(t).strip();
        if (experiment.isEmpty()) {
            throw new RenderException("experimentName rendered to an empty text");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("ExperimentName", experiment);
        if (description != null) {
            body.put("Description", description.render(t));
        }
        body.set("ParameterAssignments", parameterAssignments == null ? JsonNodeFactory.instance.objectNode()
                : parameterAssignments.render(t));
        return new RenderedAmlPipelineEndpoint(url.toString(), body);
    }

    static Optional<ActionSpec> parse(StrictObject o, TemplateScope scope, Templates templates,
            ActionSettings settings) {
        Diagnostics d = o.diagnostics();
        int before = d.errors().size();
        Optional<URI> url = OutboundUrls.parse(o, "url", settings);
        Optional<CompiledTemplate> experiment = o.string("experimentName", true)
                .flatMap(s -> templates.compile(s, false, o.path("experimentName"), scope, d));
        CompiledTemplate description = o.string("description", false)
                .flatMap(s -> templates.compile(s, false, o.path("description"), scope, d)).orElse(null);
        JsonTemplate parameters = o.object("parameterAssignments", false)
                .flatMap(p -> JsonTemplate.compile(p, o.path("parameterAssignments"), templates, scope, d)).orElse(null);
        if (d.errors().size() > before || url.isEmpty() || experiment.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AmlPipelineEndpointAction(url.get(), experiment.get(), description, parameters));
    }
}
