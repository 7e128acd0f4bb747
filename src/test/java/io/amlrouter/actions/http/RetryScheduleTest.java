package io.amlrouter.actions.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.amlrouter.actions.ActionsConfig;

class RetryScheduleTest {

    static ActionsConfig.Retry retry(Duration budget, int attempts, Duration initial, Duration max) {
        return new ActionsConfig.Retry() {
            public Duration budget() {
                return budget;
            }

            public int maxAttempts() {
                return attempts;
            }

            public Duration initialDelay() {
                return initial;
            }

            public Duration maxDelay() {
                return max;
            }
        };
    }

    static RetryableFailure status(int code, String retryAfter) {
        return RetryableFailure.status(new HttpReply(code, retryAfter == null ? Map.of()
                : Map.of("Retry-After", List.of(retryAfter)), ""));
    }

    @Test
    void backsOffExponentiallyWithJitterUpToTheMaximumAndTheAttemptLimit() {
        RetrySchedule s = new RetrySchedule(retry(Duration.ofMinutes(1), 5, Duration.ofMillis(400), Duration.ofMillis(1000)));
        long[][] bounds = { { 200, 400 }, { 400, 800 }, { 500, 1000 }, { 500, 1000 } };
        for (long[] b : bounds) {
            assertThat(s.next(status(500, null)).orElseThrow().toMillis()).isBetween(b[0], b[1]);
        }
        assertThat(s.next(status(500, null))).as("5 attempts made").isEmpty();
    }

    @Test
    void waitsAtLeastWhatTheServerAsksAndStopsWhenThatWouldOverrunTheBudget() {
        RetrySchedule s = new RetrySchedule(retry(Duration.ofSeconds(3), 6, Duration.ofMillis(100), Duration.ofMillis(400)));
        assertThat(s.next(status(429, "2"))).contains(Duration.ofSeconds(2));
        assertThat(s.next(status(429, "5"))).as("5s is past the 3s budget").isEmpty();
    }
}
