package io.amlrouter.actions.http;

import java.time.Duration;
import java.util.Optional;

/**
 * An attempt that may succeed when repeated: a retryable status ({@link HttpReply} kept), or a
 * timeout. Counts as a failure for the circuit breaker.
 */
final class RetryableFailure extends RuntimeException {

    private final transient HttpReply reply;

    private RetryableFailure(String message, HttpReply reply) {
        super(message, null, false, false);
        this.reply = reply;
    }

    static RetryableFailure status(HttpReply reply) {
        return new RetryableFailure("HTTP " + reply.status()
                + (reply.body().isBlank() ? "" : ": " + reply.bodyExcerpt(300)), reply);
    }

    static RetryableFailure connection(String description) {
        return new RetryableFailure("connection failed: " + description, null);
    }

    static RetryableFailure timeout(Duration after) {
        return new RetryableFailure("no answer within " + after.toMillis() + " ms", null);
    }

    Optional<HttpReply> reply() {
        return Optional.ofNullable(reply);
    }

    /** The wait the server asked for ({@code Retry-After}, or Azure's millisecond variants). */
    Optional<Duration> retryAfter() {
        return reply().flatMap(RetryAfter::of);
    }
}
