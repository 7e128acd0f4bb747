package io.amlrouter.actions.http;

/** How one outbound call ended, after retries. */
public sealed interface CallResult {

    /** A 2xx answer, or an answer the caller declared final. */
    record Ok(HttpReply reply) implements CallResult {
    }

    /**
     * An answer retrying cannot change: 3xx (redirects are not followed) and 4xx other than 408, 409
     * and 429. The action fails permanently.
     */
    record Rejected(HttpReply reply) implements CallResult {
    }

    /**
     * No usable answer within the retry budget (5xx, 408, 409, 429, timeouts, connection errors), an
     * open circuit breaker, or no token. The action fails transiently; Event Grid redelivers.
     *
     * @param lastReply the last answer, when there was one
     */
    record Unavailable(String reason, HttpReply lastReply) implements CallResult {
    }

    /**
     * Not sent: the target's address may not be reached ({@link AddressRefused}). Retrying cannot help; the
     * action fails permanently.
     */
    record Refused(String reason) implements CallResult {
    }
}
