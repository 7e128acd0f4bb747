package io.amlrouter.rules.action;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A v1 pipeline submission ready to send.
 *
 * @param body {@code ExperimentName}, {@code ParameterAssignments} and optionally {@code Description}
 */
@RegisterForReflection
public record RenderedAmlPipelineEndpoint(String url, JsonNode body) implements RenderedAction {

    @Override
    public ActionKind kind() {
        return ActionKind.AML_PIPELINE_ENDPOINT;
    }
}
