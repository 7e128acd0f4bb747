package io.amlrouter.ingest;

/** Whether a delivery may be processed. */
sealed interface AuthDecision {

    record Allowed(String by) implements AuthDecision {
    }

    /** Wrong or missing credential: 401. */
    record Denied(String reason) implements AuthDecision {
    }

    /** The credential could not be checked for a passing reason: 503, never 401. */
    record Unavailable(String reason) implements AuthDecision {
    }
}
