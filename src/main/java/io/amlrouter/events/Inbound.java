package io.amlrouter.events;

/**
 * One decoded item of a delivery: an event for the rules, or one of Event Grid's own control events,
 * which are answered by the webhook and never reach the rules.
 */
public sealed interface Inbound {

    /** The event id. */
    String id();

    /** An event to route. */
    record Notification(MlEvent event) implements Inbound {
        @Override
        public String id() {
            return event.id();
        }
    }

    /** {@code Microsoft.EventGrid.SubscriptionValidationEvent}: answer 200 with the code. */
    record SubscriptionValidation(String id, String validationCode, String validationUrl) implements Inbound {
    }

    /** {@code Microsoft.EventGrid.SubscriptionDeletedEvent}: logged and answered 200. */
    record SubscriptionDeletion(String id, String eventSubscriptionId) implements Inbound {
    }
}
