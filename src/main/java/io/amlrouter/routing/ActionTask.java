package io.amlrouter.routing;

import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.rules.action.ActionKind;
import io.amlrouter.rules.action.RenderedAction;

/**
 * What the router hands to an action's executor: one rendered action of one event, with the key its outcome is
 * recorded under (routing.ActionHandOff records it: the action is done when it succeeded or failed
 * permanently, still owed when it failed transiently).
 */
public record ActionTask(ActionKey key, MlEvent event, String ruleName, RenderedAction action) {

    public ActionKind kind() {
        return action.kind();
    }
}
