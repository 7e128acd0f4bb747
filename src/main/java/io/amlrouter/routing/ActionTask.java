package io.amlrouter.routing;

import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.rules.action.ActionKind;
import io.amlrouter.rules.action.RenderedAction;

/**
 * What travels on an action channel: one rendered action of one event, with the key its outcome is
 * recorded under. The message carrying it is acknowledged once the outcome is recorded: acked when
 * the action succeeded or failed permanently, nacked when it failed transiently.
 */
public record ActionTask(ActionKey key, MlEvent event, String ruleName, RenderedAction action) {

    public ActionKind kind() {
        return action.kind();
    }
}
