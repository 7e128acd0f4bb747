package io.amlrouter.rules.action;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A job ready to submit.
 *
 * @param workspace the workspace ARM id
 * @param jobName the derived job name (the last segment of the PUT path)
 * @param body the ARM job body
 */
@RegisterForReflection
public record RenderedAmlJob(String workspace, String jobName, JsonNode body) implements RenderedAction {

    @Override
    public ActionKind kind() {
        return ActionKind.AML_JOB;
    }
}
