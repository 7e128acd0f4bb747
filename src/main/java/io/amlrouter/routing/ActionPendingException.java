package io.amlrouter.routing;

/**
 * An action of the event is still owed: it failed transiently, could not be handed to its executor, or
 * is running on another replica. The one way "transient" travels back up the path: the event's routing
 * fails with it, its message is nacked, and the delivery is answered 503 so that Event Grid redelivers.
 * A permanent failure never surfaces as an exception: it is a dead letter and the event is done.
 */
public final class ActionPendingException extends RuntimeException {

    public ActionPendingException(String message) {
        super(message, null, false, false);
    }
}
