package io.amlrouter.actions.azureml;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.amlrouter.actions.ActionRunner;
import io.amlrouter.actions.http.CallResult;
import io.amlrouter.routing.ActionResult;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.action.RenderedAdfPipelineRun;
import io.smallrye.mutiny.Uni;

/** Starts {@code adfPipelineRun} actions and records the run id Data Factory answers with. */
@ApplicationScoped
public class AdfPipelineRunProcessor {

    private final ActionRunner runner;
    private final ArmClient arm;

    public AdfPipelineRunProcessor(ActionRunner runner, ArmClient arm) {
        this.runner = runner;
        this.arm = arm;
    }

    @Incoming("action-adf-pipeline-run")
    public Uni<Void> process(Message<ActionTask> message) {
        return runner.run(message, task -> start(task, (RenderedAdfPipelineRun) task.action()));
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
