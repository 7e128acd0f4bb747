package io.amlrouter.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.amlrouter.support.TestData;

/** The dry-run form's samples are the test fixtures of the same names (so they stay what the tests prove). */
class ConsoleSamplesTest {

    @Test
    void everySampleIsItsFixture() throws Exception {
        assertThat(Samples.ALL).hasSizeGreaterThan(5);
        for (Samples.Sample s : Samples.ALL) {
            String fixture = new String(TestData.bytes("events/eventgrid/" + s.name()), StandardCharsets.UTF_8);
            assertThat(Samples.json(s.name())).as(s.name()).contains(fixture);
        }
    }

    @Test
    void onlyTheListedSamplesAreRead() {
        assertThat(Samples.json("../application.yml")).isEmpty();
        assertThat(Samples.json(null)).isEmpty();
        assertThat(Samples.json("Unknown.json")).isEmpty();
    }
}
