package io.amlrouter.rules.action;

/**
 * An action with every placeholder filled in for one event: exactly what will be sent. The dry run
 * shows it; the action processors execute it.
 */
public sealed interface RenderedAction permits RenderedEmail, RenderedWebhook, RenderedAmlJob, RenderedAdfPipelineRun,
        RenderedAmlPipelineEndpoint, RenderedAmlOnlineDeployment {

    ActionKind kind();
}
