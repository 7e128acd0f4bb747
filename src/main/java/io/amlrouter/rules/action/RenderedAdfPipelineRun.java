package io.amlrouter.rules.action;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A Data Factory pipeline run ready to start.
 *
 * @param factory the factory's ARM id
 * @param parameters the request body: the pipeline parameters
 */
@RegisterForReflection
public record RenderedAdfPipelineRun(String factory, String pipeline, JsonNode parameters) implements RenderedAction {

    @Override
    public ActionKind kind() {
        return ActionKind.ADF_PIPELINE_RUN;
    }
}
