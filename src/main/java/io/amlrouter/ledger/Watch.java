package io.amlrouter.ledger;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Something an action started and the service keeps following after the action itself succeeded:
 * today the long-running operation of an online deployment, until Azure reports its end and the
 * outcome has been announced. Kept in the ledger so a replica that restarts (with a persistent ledger)
 * resumes it.
 *
 * @param key the action that started it
 * @param kind the action kind ({@code amlOnlineDeployment})
 * @param operationUrl what is polled (e.g. the {@code Azure-AsyncOperation} URL)
 * @param attributes what the watcher needs to resume and to announce the outcome (flat strings, so
 *        any store can keep them)
 * @param startedAt when the watch began
 * @param until when the watch gives up
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Watch(ActionKey key, String kind, String operationUrl, Map<String, String> attributes, Instant startedAt,
        Instant until) {

    public Watch {
        attributes = Map.copyOf(attributes);
    }

    /** The same watch with different attributes (e.g. once the outcome is known). */
    public Watch withAttributes(Map<String, String> changed) {
        return new Watch(key, kind, operationUrl, changed, startedAt, until);
    }
}
