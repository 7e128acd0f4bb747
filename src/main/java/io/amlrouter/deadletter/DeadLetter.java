package io.amlrouter.deadletter;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An action that failed permanently, as announced to the dead-letter destinations
 * ({@code ledger.dead-letter.*}).
 *
 * @param rawEvent the event JSON as received, or null when unknown
 */
@RegisterForReflection
public record DeadLetter(String eventId, String eventType, String subject, String rule, int action, String kind,
        String reason, Instant at, String rawEvent) {
}
