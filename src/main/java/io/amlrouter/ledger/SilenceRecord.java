package io.amlrouter.ledger;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A silence created through the admin API, as the ledger's store keeps it (shared by the replicas,
 * durable with Redis). The filter is kept as written (JSON text) and compiled by the reader.
 *
 * @param filter the Event Grid filter object, as JSON text
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SilenceRecord(String id, String filter, Instant startsAt, Instant endsAt, String comment,
        String createdBy, Instant createdAt) {

    /** The same silence ending at {@code at} when it would end later (and starting no later than that). */
    public SilenceRecord endedAt(Instant at) {
        Instant ends = endsAt.isAfter(at) ? at : endsAt;
        Instant starts = startsAt.isAfter(ends) ? ends : startsAt;
        return new SilenceRecord(id, filter, starts, ends, comment, createdBy, createdAt);
    }
}
