package io.amlrouter.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.EventEnvelope;
import io.amlrouter.events.EventSchema;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.RuleVerdict;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.filter.FilterParser;

/**
 * Routing an event through a rule set looks its event type, subject and {@code data} member up once per event, not
 * once per rule (they were a tenth of the ingest path's samples with 20 rules): counted on an event object that
 * records every field lookup, with 20 rules that all read the type and the subject and most of them {@code data}.
 */
class RuleEvaluationLookupsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** An event object that counts the lookups of its top-level fields by name. */
    static final class CountingNode extends ObjectNode {
        final Map<String, Integer> lookups = new HashMap<>();

        CountingNode(ObjectNode content) {
            super(JsonNodeFactory.instance);
            setAll(content);
        }

        @Override
        public JsonNode get(String name) {
            lookups.merge(name, 1, Integer::sum);
            return super.get(name);
        }
    }

    static RuleSet twentyRules() throws IOException {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String filter = switch (i % 4) {
                case 0 -> "{\"includedEventTypes\":[\"Microsoft.MachineLearningServices.RunStatusChanged\"],"
                        + "\"subjectBeginsWith\":\"experiments/\",\"subjectEndsWith\":\"/no-match-" + i + "\"}";
                case 1 -> "{\"includedEventTypes\":[\"Microsoft.MachineLearningServices.RunStatusChanged\"],"
                        + "\"subjectBeginsWith\":\"experiments/\",\"advancedFilters\":[{\"operatorType\":\"StringIn\","
                        + "\"key\":\"data.runStatus\",\"values\":[\"Failed-" + i + "\"]}]}";
                case 2 -> "{\"includedEventTypes\":[\"Microsoft.MachineLearningServices.RunCompleted\"],"
                        + "\"subjectBeginsWith\":\"experiments/\"}";
                default -> "{\"advancedFilters\":[{\"operatorType\":\"StringBeginsWith\",\"key\":\"subject\","
                        + "\"values\":[\"experiments/\"]},{\"operatorType\":\"StringIn\",\"key\":\"eventType\","
                        + "\"values\":[\"Microsoft.MachineLearningServices.RunStatusChanged\"]},"
                        + "{\"operatorType\":\"StringIn\",\"key\":\"data.runStatus\",\"values\":[\"Other-" + i + "\"]}]}";
            };
            Diagnostics diagnostics = new Diagnostics();
            rules.add(new Rule("rule-" + i, null, FilterParser.parse(JSON.readTree(filter), "rules[" + i + "].filter",
                    diagnostics).orElseThrow(), JSON.readTree(filter), List.of(), List.of(), null));
        }
        return new RuleSet("sha256:test", Instant.EPOCH, "test", rules, List.of(), List.of());
    }

    static MlEvent event(CountingNode raw) {
        return new MlEvent.Unknown(new EventEnvelope(raw.get("id").textValue(), raw.get("eventType").textValue(),
                raw.get("subject").textValue(), null, null, null, EventSchema.EVENT_GRID, null, raw));
    }

    static CountingNode fixture() throws IOException {
        JsonNode root = JSON.readTree(Files.readString(
                Path.of("src/test/resources/testdata/events/eventgrid/RunStatusChanged.json")));
        return new CountingNode((ObjectNode) (root.isArray() ? root.get(0) : root));
    }

    @Test
    void matchingLooksTheTypeSubjectAndDataUpOncePerEvent() throws IOException {
        RuleSet set = twentyRules();
        CountingNode raw = fixture();
        MlEvent event = event(raw);
        raw.lookups.clear();

        assertThat(set.matching(event)).isEmpty();

        assertThat(raw.lookups.get("eventType")).isEqualTo(1);
        assertThat(raw.lookups.get("subject")).isEqualTo(1);
        assertThat(raw.lookups.get("data")).isEqualTo(1);
    }

    @Test
    void theRecordedVerdictsLookTheTypeSubjectAndDataUpOncePerEvent() throws IOException {
        RuleSet set = twentyRules();
        CountingNode raw = fixture();
        MlEvent event = event(raw);
        raw.lookups.clear();

        RoutingRecord.Verdicts verdicts = RoutingRecord.evaluate(set, event);

        assertThat(verdicts.matched()).isEmpty();
        assertThat(verdicts.explanation()).hasSize(20);
        // Routing looks each field up once; the near misses' reasons are written when first read.
        assertThat(raw.lookups.get("eventType")).isEqualTo(1);
        assertThat(raw.lookups.get("subject")).isEqualTo(1);
        // The near misses' reasons (explain, for the history) read the event again, once per near miss: 15 here.
        long nearMisses = verdicts.explanation().stream().filter(v -> v.reason() != null).count();
        assertThat(nearMisses).isEqualTo(15);
        assertThat(raw.lookups.get("eventType")).isEqualTo(1 + (int) nearMisses);
        assertThat(raw.lookups.get("subject")).isEqualTo(1 + (int) nearMisses);
    }

    @Test
    void theVerdictsThatAreTheSameForEveryEventAreMadeOncePerRuleSet() throws IOException {
        RuleSet set = twentyRules();

        List<RuleVerdict> first = RoutingRecord.evaluate(set, event(fixture())).explanation();
        List<RuleVerdict> second = RoutingRecord.evaluate(set, event(fixture())).explanation();

        assertThat(second).isEqualTo(first);
        for (int i = 2; i < 20; i += 4) { // the RunCompleted rules: another event type
            assertThat(first.get(i)).isEqualTo(RuleVerdict.mismatch("rule-" + i, "includedEventTypes", null));
            assertThat(second.get(i)).isSameAs(first.get(i));
        }
        assertThat(second.get(0)).isNotSameAs(first.get(0)); // a near miss carries its own reason
    }
}
