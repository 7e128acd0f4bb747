package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Event type, subject, AND/anyOf structure and key resolution across both delivery schemas. */
class FilterSemanticsTest {

    static List<FilterCase> eventTypes() {
        return EnvelopeCases.eventTypes();
    }

    static List<FilterCase> subjects() {
        return EnvelopeCases.subjects();
    }

    static List<FilterCase> combination() {
        return StructureCases.combination();
    }

    static List<FilterCase> anyOf() {
        return StructureCases.anyOf();
    }

    static List<FilterCase> keys() {
        return StructureCases.keys();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void includedEventTypes(FilterCase c) {
        check(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void subjectFilters(FilterCase c) {
        check(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("combination")
    void andAcrossFilterKinds(FilterCase c) {
        check(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("anyOf")
    void anyOfGroups(FilterCase c) {
        check(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void keyResolutionAndAliasing(FilterCase c) {
        check(c);
    }

    private static void check(FilterCase c) {
        assertThat(c.compiled().matches(c.event())).isEqualTo(c.expected());
    }
}
