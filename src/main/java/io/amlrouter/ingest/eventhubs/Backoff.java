package io.amlrouter.ingest.eventhubs;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The router's own retry schedule for a record whose actions failed transiently: exponential from
 * {@code retry.initial-delay}, capped at {@code retry.max-delay}, each wait drawn within plus or minus
 * {@code retry.jitter} of it so that records failing together do not retry together.
 */
final class Backoff {

    private Backoff() {
    }

    /**
     * The wait after the given failed attempt (1 for the first).
     *
     * @param random a draw in [0, 1)
     */
    static Duration delay(EventHubsConfig.Retry retry, int failedAttempt, DoubleSupplier random) {
        long base = retry.initialDelay().toMillis();
        long max = retry.maxDelay().toMillis();
        long d = base;
        for (int i = 1; i < failedAttempt && d < max; i++) {
            d = d * 2;
        }
        d = Math.min(d, max);
        double jitter = Math.max(0, Math.min(1, retry.jitter()));
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofMillis(Math.max(0, Math.round(d * factor)));
    }

    /** The longest a record can take over all its attempts (waits at their longest, each attempt timed out). */
    static Duration budget(EventHubsConfig.Retry retry) {
        Duration total = retry.attemptTimeout().multipliedBy(Math.max(1, retry.maxAttempts()));
        double jitter = 1 + Math.max(0, Math.min(1, retry.jitter()));
        for (int a = 1; a < retry.maxAttempts(); a++) {
            long d = Math.min(retry.maxDelay().toMillis(), retry.initialDelay().toMillis() << Math.min(a - 1, 30));
            total = total.plusMillis(Math.round(d * jitter));
        }
        return total;
    }
}
