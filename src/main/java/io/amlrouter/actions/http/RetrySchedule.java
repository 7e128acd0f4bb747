package io.amlrouter.actions.http;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.amlrouter.actions.ActionsConfig;

/**
 * The retries of one call: exponential backoff with jitter (the delay doubles from the initial one up
 * to the maximum, and a random half of it is waited on top of the other half), a server's
 * {@code Retry-After} waited at least, at most {@code max-attempts} attempts, and nothing started past
 * the budget. One instance per call; not shared.
 */
final class RetrySchedule {

    private final ActionsConfig.Retry config;
    private final long startNanos;
    private int attempts = 1;

    RetrySchedule(ActionsConfig.Retry config) {
        this.config = config;
        this.startNanos = System.nanoTime();
    }

    /**
     * The wait before the next attempt after {@code failure}, or empty when there is none: attempts
     * used up, or the wait would end past the budget.
     */
    Optional<Duration> next(RetryableFailure failure) {
        if (attempts >= config.maxAttempts()) {
            return Optional.empty();
        }
        long capped = Math.min(config.maxDelay().toMillis(),
                config.initialDelay().toMillis() << Math.min(20, attempts - 1));
        long delay = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        Optional<Duration> asked = failure.retryAfter();
        if (asked.isPresent()) {
            delay = Math.max(delay, asked.get().toMillis());
        }
        long elapsed = (System.nanoTime() - startNanos) / 1_000_000;
        if (elapsed + delay > config.budget().toMillis()) {
            return Optional.empty();
        }
        attempts++;
        return Optional.of(Duration.ofMillis(delay));
    }

    int attempts() {
        return attempts;
    }
}
