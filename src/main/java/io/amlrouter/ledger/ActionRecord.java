package io.amlrouter.ledger;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The recorded outcome of one action of one event.
 *
 * @param kind the action kind ({@code email}, {@code amlJob}, ...)
 * @param attempts how many times it was started
 * @param lastError the last failure's reason, or null
 * @param externalId what the action created, when it names something: job name, ADF run id,
 *        deployment operation URL, mail message id
 * @param detail a short human note on the outcome
 * @param owner the replica holding the claim, while {@link ActionState#CLAIMED}
 * @param leaseUntil when an unfinished claim lapses, while {@link ActionState#CLAIMED}
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionRecord(ActionKey key, String kind, ActionState state, int attempts, String lastError,
        String externalId, String detail, Instant firstAttemptAt, Instant updatedAt, String owner, Instant leaseUntil) {
}
