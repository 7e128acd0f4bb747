package io.amlrouter.rules.action;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An online deployment ready to create or update.
 *
 * @param workspace the workspace ARM id
 * @param model the model reference the body names (an ARM id after expansion)
 * @param body the ARM deployment body; without {@code location} the endpoint's region is used
 * @param trafficPercent the endpoint traffic share for the deployment once it succeeded, or null
 */
@RegisterForReflection
public record RenderedAmlOnlineDeployment(String workspace, String endpoint, String deployment, String model,
        JsonNode body, Integer trafficPercent) implements RenderedAction {

    @Override
    public ActionKind kind() {
        return ActionKind.AML_ONLINE_DEPLOYMENT;
    }
}
