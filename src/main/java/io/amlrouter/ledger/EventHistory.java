package io.amlrouter.ledger;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One event with every action outcome recorded for it. */
@RegisterForReflection
public record EventHistory(EventRecord event, List<ActionRecord> actions) {

    public EventHistory {
        actions = List.copyOf(actions);
    }
}
