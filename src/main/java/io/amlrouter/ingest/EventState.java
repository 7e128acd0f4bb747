package io.amlrouter.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Where one event of a delivery stands when the answer is written.
 *
 * @param state {@code done} (every action finished or failed permanently), {@code failed} (an action
 *        failed transiently: Event Grid should redeliver) or {@code pending} (still running at the deadline)
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventState(String id, String type, String state, String detail) {

    static final String DONE = "done";
    static final String FAILED = "failed";
    static final String PENDING = "pending";

    public boolean done() {
        return DONE.equals(state);
    }
}
