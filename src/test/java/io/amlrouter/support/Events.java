package io.amlrouter.support;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Fixture events with a fresh id, as the body of a delivery: tests that share one application (and
 * its ledger), or several packaged replicas, stay independent. See {@link EventFixtures} to vary them.
 */
public final class Events {

    private Events() {
    }

    /** An Event Grid schema fixture ({@code eventgrid/<fixture>}) as the array Event Grid delivers. */
    public static Delivery eventGrid(String fixture) {
        return of(EventFixtures.fresh("eventgrid/" + fixture));
    }

    /** A CloudEvents fixture ({@code cloudevents/<fixture>}) as a single structured-mode event. */
    public static Delivery cloudEvent(String fixture) {
        return of(EventFixtures.fresh("cloudevents/" + fixture));
    }

    /** The delivery of an event built with {@link EventFixtures}. */
    public static Delivery of(ObjectNode event) {
        return new Delivery(event.get("id").textValue(), EventFixtures.delivery(event));
    }

    public record Delivery(String id, String body) {
    }
}
