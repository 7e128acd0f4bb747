package io.amlrouter.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.RuleVerdict;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.filter.FilterResult;

/** The near misses' reasons, written when first read, say what the dry run says for the same rule and event. */
class RoutingRecordTest {

    @Test
    void aNearMissReasonWrittenWhenReadIsTheDryRunsReason() throws IOException {
        RuleSet set = RuleEvaluationLookupsTest.twentyRules();
        MlEvent event = RuleEvaluationLookupsTest.event(RuleEvaluationLookupsTest.fixture());

        List<RuleVerdict> verdicts = RoutingRecord.evaluate(set, event).explanation();

        int nearMisses = 0;
        for (int i = 0; i < verdicts.size(); i++) {
            RuleVerdict v = verdicts.get(i);
            Rule rule = set.rules().get(i);
            assertThat(v.rule()).isEqualTo(rule.name());
            if ("includedEventTypes".equals(v.filter())) {
                assertThat(v.reason()).isNull();
                continue;
            }
            assertThat(v.reasonLength()).isEqualTo(RuleVerdict.UNWRITTEN_REASON_CHARS);
            FilterResult dryRun = rule.filter().explain(event.raw());
            assertThat(dryRun).isInstanceOf(FilterResult.NotMatched.class);
            String expected = ((FilterResult.NotMatched) dryRun).mismatch().reason();
            assertThat(v.reason()).isNotBlank().isEqualTo(expected);
            assertThat(v.filter()).isEqualTo(((FilterResult.NotMatched) dryRun).mismatch().filter());
            assertThat(v.reasonLength()).isEqualTo(expected.length());
            nearMisses++;
        }
        assertThat(nearMisses).isEqualTo(15);
    }
}
