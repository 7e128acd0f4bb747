package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@link EventFilter#firstFailingPart} (what the router records per rule) names the same part as the dry run's
 * {@link EventFilter#explain}, and is null exactly when the filter matches, on every row of every semantics table.
 */
class FailingPartConsistencyTest {

    @Test
    void theFailingPartIsTheDryRunsOnEveryTableRow() {
        List<FilterCase> cases = AllCases.all();
        assertThat(cases).hasSizeGreaterThan(300);
        int failing = 0;
        for (FilterCase c : cases) {
            EventFilter filter = c.compiled();
            String part = filter.firstFailingPart(c.event());
            FilterResult result = filter.explain(c.event());
            if (result instanceof FilterResult.NotMatched notMatched) {
                assertThat(part).as(c.name()).isEqualTo(notMatched.mismatch().filter());
                failing++;
            } else {
                assertThat(part).as(c.name()).isNull();
            }
        }
        assertThat(failing).isGreaterThan(100);
    }
}
