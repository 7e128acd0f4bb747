package io.amlrouter.ingest.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    record Retry(int maxAttempts, Duration initialDelay, Duration maxDelay, double jitter, Duration attemptTimeout)
            implements EventHubsConfig.Retry {
    }

    final Retry retry = new Retry(5, Duration.ofSeconds(1), Duration.ofSeconds(5), 0.2, Duration.ofSeconds(10));

    @Test
    void theWaitDoublesUpToTheMaximumWithinTheJitter() {
        assertThat(Backoff.delay(retry, 1, () -> 0.5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Backoff.delay(retry, 2, () -> 0.5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Backoff.delay(retry, 3, () -> 0.5)).isEqualTo(Duration.ofSeconds(4));
        assertThat(Backoff.delay(retry, 4, () -> 0.5)).isEqualTo(Duration.ofSeconds(5));
        assertThat(Backoff.delay(retry, 40, () -> 0.5)).isEqualTo(Duration.ofSeconds(5));
        assertThat(Backoff.delay(retry, 2, () -> 0.0)).isEqualTo(Duration.ofMillis(1600));
        assertThat(Backoff.delay(retry, 2, () -> 0.999999)).isEqualTo(Duration.ofMillis(2400));
    }

    @Test
    void theBudgetCoversEveryAttemptAndTheLongestWaits() {
        // 5 attempts of 10 s, waits of at most 1.2 x (1 + 2 + 4 + 5) s.
        assertThat(Backoff.budget(retry)).isEqualTo(Duration.ofMillis(50_000 + 14_400));
    }
}
