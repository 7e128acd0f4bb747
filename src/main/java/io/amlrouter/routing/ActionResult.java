package io.amlrouter.routing;

/** How an action ended. */
public sealed interface ActionResult {

    /** Done. {@code externalId} names what it created (job name, run id, message id), when anything. */
    record Succeeded(String externalId, String detail) implements ActionResult {
    }

    /** Retrying cannot help (bad recipient, ARM 400): recorded as a dead letter, the event is still answered 200. */
    record FailedPermanently(String reason) implements ActionResult {
    }

    /** May succeed later (timeout, 5xx, 429, connection refused): the event is answered 503 and redelivered. */
    record FailedTransiently(String reason) implements ActionResult {
    }

    static ActionResult succeeded(String externalId, String detail) {
        return new Succeeded(externalId, detail);
    }

    static ActionResult permanent(String reason) {
        return new FailedPermanently(reason);
    }

    static ActionResult transientFailure(String reason) {
        return new FailedTransiently(reason);
    }
}
