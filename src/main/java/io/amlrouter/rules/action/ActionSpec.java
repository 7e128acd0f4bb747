package io.amlrouter.rules.action;

import io.amlrouter.rules.template.RenderException;

/**
 * One compiled action of a rule. Rendering fills its placeholders for an event; it never does I/O.
 */
public sealed interface ActionSpec permits EmailAction, WebhookAction, AmlJobAction, AdfPipelineRunAction,
        AmlPipelineEndpointAction, AmlOnlineDeploymentAction {

    ActionKind kind();

    /** Fills every placeholder; fails permanently when one has no value for this event. */
    RenderedAction render(ActionContext context) throws RenderException;
}
