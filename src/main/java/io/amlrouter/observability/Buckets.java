package io.amlrouter.observability;

import java.time.Duration;

/**
 * The histogram buckets of the latency metrics, fixed so Prometheus can aggregate them across replicas
 * ({@code histogram_quantile} over {@code _bucket}). They bracket the numbers that matter here: Event
 * Grid's 30 s answer budget, the 20 s ingest deadline, the 10 s outbound retry budget.
 */
public final class Buckets {

    private Buckets() {
    }

    /** From a millisecond answer (a refusal, a handshake) to the 20 s ingest deadline and beyond. */
    public static final Duration[] INGEST = durations(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000,
            30_000);

    /** From a mail to a local relay to an ARM call that used its whole retry budget. */
    public static final Duration[] ACTION = durations(10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000,
            60_000);

    private static Duration[] durations(long... millis) {
        Duration[] d = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            d[i] = Duration.ofMillis(millis[i]);
        }
        return d;
    }
}
