package io.amlrouter.ledger;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One event in a digest group: the grouped action's key and the raw event (the digest is rendered from it).
 *
 * @param raw the event's JSON as received
 * @param at when it joined the group
 */
@RegisterForReflection
public record GroupEntry(ActionKey key, String raw, Instant at) {
}
