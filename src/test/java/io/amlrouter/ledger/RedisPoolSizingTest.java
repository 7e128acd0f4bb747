package io.amlrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Redis pool follows the in-flight limit; larger configured values win. */
class RedisPoolSizingTest {

    static RedisPoolSizing.Pool size(int maxInFlight, int connections, int waiting) {
        return RedisPoolSizing.size(maxInFlight, 200, connections, waiting);
    }

    @Test
    void theDefaultsGiveEveryEventInFlightRoomToWait() {
        // Vert.x' own defaults (6, 24) against the default ingest.max-in-flight 1000
        assertThat(size(1000, 6, 24)).isEqualTo(new RedisPoolSizing.Pool(16, 4400));
        assertThat(size(40, 6, 24).waiting()).isGreaterThanOrEqualTo(40 * RedisPoolSizing.COMMANDS_PER_EVENT);
        assertThat(size(40, 6, 24).connections()).isEqualTo(6);
        assertThat(size(100_000, 6, 24).connections()).isEqualTo(32);
    }

    @Test
    void largerConfiguredValuesWin() {
        assertThat(size(1000, 50, 10_000)).isEqualTo(new RedisPoolSizing.Pool(50, 10_000));
    }
}
