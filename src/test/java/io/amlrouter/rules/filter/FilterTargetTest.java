package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A {@link FilterTarget} shared by every filter evaluated on one event gives each filter the verdict and failing part
 * it gives on the raw event alone: on every row of every semantics table, with the target shared by all rows of the
 * same event (in table order, so earlier filters have already looked up what later ones read).
 */
class FilterTargetTest {

    @Test
    void aSharedTargetGivesEveryFilterItsOwnVerdictOnEveryTableRow() {
        List<FilterCase> cases = AllCases.all();
        Map<JsonNode, FilterTarget> shared = new IdentityHashMap<>();
        int matched = 0;
        for (FilterCase c : cases) {
            EventFilter filter = c.compiled();
            FilterTarget target = shared.computeIfAbsent(c.event(), FilterTarget::of);
            FilterResult alone = filter.explain(c.event());
            boolean matches = filter.matches(target);
            assertThat(matches).as(c.name()).isEqualTo(alone instanceof FilterResult.Matched);
            assertThat(filter.firstFailingPart(target)).as(c.name())
                    .isEqualTo(alone instanceof FilterResult.NotMatched n ? n.mismatch().filter() : null);
            assertThat(matches).as(c.name()).isEqualTo(c.expected());
            matched += matches ? 1 : 0;
        }
        assertThat(shared.size()).as("events shared by several rows").isLessThan(cases.size());
        assertThat(matched).isGreaterThan(100);
    }
}
