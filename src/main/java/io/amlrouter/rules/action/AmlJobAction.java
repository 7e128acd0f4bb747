package io.amlrouter.rules.action;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.events.Workspace;
import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * {@code amlJob}: Azure ML v2 Jobs - Create Or Update, {@code PUT .../workspaces/{ws}/jobs/{name}}.
 * The body is the ARM job body from the rule (its {@code properties}, with placeholders); the name is
 * derived from the event id, rule and action index ({@link ArmNames#jobName}), so a redelivery
 * addresses the same job.
 */
public record AmlJobAction(WorkspaceRef workspace, JsonTemplate body) implements ActionSpec {

    static final List<String> KEYS = List.of("workspace", "body");

    @Override
    public ActionKind kind() {
        return ActionKind.AML_JOB;
    }

    @Override
    public RenderedAction render(ActionContext context) throws RenderException {
        Workspace ws = workspace.resolve(context.event());
        String name = ArmNames.jobName(context.event().id(), context.ruleName(), context.actionIndex());
        return new RenderedAmlJob(ws.armId(), name, body.render(context.templates()));
    }

    static Optional<ActionSpec> parse(StrictObject o, TemplateScope scope, Templates templates) {
        Diagnostics d = o.diagnostics();
        int before = d.errors().size();
        Optional<WorkspaceRef> ws = WorkspaceRef.parse(o);
        Optional<JsonNode> body = o.object("body", true);
        Optional<JsonTemplate> template = Optional.empty();
        if (body.isPresent()) {
            JsonNode properties = body.get().get("properties");
            if (properties == null || !properties.isObject()) {
                d.error(o.path("body"), "must hold the job's \"properties\" mapping (the ARM job body: properties.jobType, "
                        + "properties.experimentName, ...)");
            } else if (!properties.hasNonNull("jobType")) {
                d.error(o.path("body") + ".properties", "\"jobType\" is required (Command, Pipeline, Sweep, ...)");
            } else {
                template = JsonTemplate.compile(body.get(), o.path("body"), templates, scope, d);
            }
        }
        if (d.errors().size() > before || ws.isEmpty() || template.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AmlJobAction(ws.get(), template.get()));
    }
}
