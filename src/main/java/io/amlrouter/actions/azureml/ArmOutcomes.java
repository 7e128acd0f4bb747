package io.amlrouter.actions.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.routing.ActionResult;
import io.amlrouter.actions.http.CallResult;
import io.amlrouter.actions.http.HttpReply;
import io.amlrouter.rules.action.ActionTask;

/** Turns sorted ARM answers into action outcomes, with ARM's own error code and message. */
final class ArmOutcomes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ArmOutcomes() {
    }

    /** The outcome of a call that did not succeed: permanent when ARM rejected it, transient otherwise. */
    static ActionResult failed(String what, CallResult result) {
        if (result instanceof CallResult.Rejected rejected) {
            return new ActionResult.FailedPermanently(what + ": " + ArmError.of(rejected.reply()).describe());
        }
        if (result instanceof CallResult.Refused refused) {
            return new ActionResult.FailedPermanently(what + " not called: " + refused.reason());
        }
        CallResult.Unavailable u = (CallResult.Unavailable) result;
        String last = u.lastReply() == null ? "" : " (last: " + ArmError.of(u.lastReply()).describe() + ")";
        return new ActionResult.FailedTransiently(what + ": " + u.reason() + last);
    }

    /** "event ... rule ... action 0 (amlJob)", for log lines. */
    static String context(ActionTask task) {
        return "Event " + task.key().eventId() + " rule " + task.ruleName() + " action " + task.key().actionIndex()
                + " (" + task.kind().key() + ")";
    }

    static JsonNode json(HttpReply reply) {
        try {
            return reply.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(reply.body());
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }
}
