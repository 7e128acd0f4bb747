package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code explain(e) instanceof Matched} ⇔ {@code matches(e)}, on every row of every semantics table. */
class ExplainConsistencyTest {

    @Test
    void explainAgreesWithMatchesOnEveryTableRow() {
        List<FilterCase> cases = AllCases.all();
        assertThat(cases).hasSizeGreaterThan(300);
        for (FilterCase c : cases) {
            EventFilter filter = c.compiled();
            boolean matches = filter.matches(c.event());
            FilterResult result = filter.explain(c.event());
            assertThat(result instanceof FilterResult.Matched).as(c.name()).isEqualTo(matches);
            assertThat(result.matched()).as(c.name()).isEqualTo(matches);
            assertThat(matches).as(c.name()).isEqualTo(c.expected());
            if (result instanceof FilterResult.NotMatched notMatched) {
                assertThat(notMatched.mismatch().reason()).as(c.name()).isNotBlank();
            }
        }
    }
}
