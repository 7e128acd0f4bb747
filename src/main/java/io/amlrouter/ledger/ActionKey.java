package io.amlrouter.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Identifies one action of one event: Event Grid redelivers an event with the same id, and the
 * action's outcome is recorded under this key so a redelivery runs only what is still owed.
 */
@RegisterForReflection
public record ActionKey(String eventId, String rule, int actionIndex) {

    /** A stable text form, e.g. {@code 91d07e3a-.../mail-failed-runs/0}. */
    public String id() {
        return eventId + "/" + rule + "/" + actionIndex;
    }

    @Override
    public String toString() {
        return id();
    }
}
