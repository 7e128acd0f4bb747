package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reference §6.7 examples A–J. */
class WorkedExamplesTest {

    static List<FilterCase> examples() {
        return WorkedExamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void example(FilterCase c) {
        assertThat(c.compiled().matches(c.event())).isEqualTo(c.expected());
    }
}
