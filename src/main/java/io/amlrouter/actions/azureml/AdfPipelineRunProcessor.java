package io.amlrouter.actions.azureml;

import jakarta.enterprise.context.ApplicationScoped;


import io.amlrouter.actions.http.CallResult;
import io.amlrouter.routing.ActionExecutor;
import io.amlrouter.routing.ActionResult;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.action.RenderedAdfPipelineRun;
import io.smallrye.mutiny.Uni;

/** Starts {@code adfPipelineRun} actions and records the run id Data Factory answers with. */
@ApplicationScoped
public class AdfPipelineRunProcessor implements ActionExecutor<RenderedAdfPipelineRun> {

    private final ArmClient arm;

    public AdfPipelineRunProcessor(ArmClient arm) {
        this.arm = arm;
    }

    @Override
    public Class<RenderedAdfPipelineRun> handles() {
        return RenderedAdfPipelineRun.class;
    }

    @Override
    public Uni<ActionResult> execute(ActionTask task, RenderedAdfPipelineRun action) {
        return start(task, action);
    }

    private Uni<ActionResult> start(ActionTask task, RenderedAdfPipelineRun run) {
        String factory = run.factory().substring(run.factory().lastIndexOf('/') + 1);
        return arm.createAdfRun(run.factory(), run.pipeline(), run.parameters(), ArmOutcomes.context(task))
                .map(result -> {
                    if (result instanceof CallResult.Ok ok) {
                        String runId = ArmOutcomes.json(ok.reply()).path("runId").asText(null);
                        return new ActionResult.Succeeded(runId, "pipeline " + run.pipeline() + " of factory " + factory
                                + " started" + (runId == null ? " (no runId in the answer)" : ""));
                    }
                    return ArmOutcomes.failed("pipeline " + run.pipeline() + " of factory " + factory, result);
                });
    }
}
