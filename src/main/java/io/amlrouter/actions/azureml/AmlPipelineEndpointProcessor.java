package io.amlrouter.actions.azureml;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;


import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.actions.http.CallResult;
import io.amlrouter.routing.ActionExecutor;
import io.amlrouter.routing.ActionResult;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.action.RenderedAmlPipelineEndpoint;
import io.smallrye.mutiny.Uni;

/**
 * Submits {@code amlPipelineEndpoint} actions (Azure ML v1 published pipelines and pipeline endpoints)
 * with an ARM-scoped Entra token, and records the pipeline run id ({@code Id} of the answer).
 */
@ApplicationScoped
public class AmlPipelineEndpointProcessor implements ActionExecutor<RenderedAmlPipelineEndpoint> {

    private final ArmClient arm;

    public AmlPipelineEndpointProcessor(ArmClient arm) {
        this.arm = arm;
    }

    @Override
    public Class<RenderedAmlPipelineEndpoint> handles() {
        return RenderedAmlPipelineEndpoint.class;
    }

    @Override
    public Uni<ActionResult> execute(ActionTask task, RenderedAmlPipelineEndpoint action) {
        return submit(task, action);
    }

    private Uni<ActionResult> submit(ActionTask task, RenderedAmlPipelineEndpoint p) {
        URI url = URI.create(p.url());
        return arm.postWithArmToken(url, p.body(), ArmOutcomes.context(task)).map(result -> {
            if (result instanceof CallResult.Ok ok) {
                JsonNode answer = ArmOutcomes.json(ok.reply());
                String runId = answer.has("Id") ? answer.get("Id").asText() : answer.path("id").asText(null);
                return new ActionResult.Succeeded(runId, "pipeline run submitted to " + url.getHost()
                        + " (HTTP " + ok.reply().status() + ")");
            }
            return ArmOutcomes.failed("pipeline endpoint " + url.getHost(), result);
        });
    }
}
