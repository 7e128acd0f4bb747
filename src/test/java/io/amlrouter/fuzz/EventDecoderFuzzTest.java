package io.amlrouter.fuzz;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.JsonLimits;
import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.RuleSet;

/**
 * Fuzzes the webhook's body decoder with raw bytes, under each of the three body formats.
 *
 * <p>
 * Asserts: {@code decode} returns or throws {@link EventDecodingException} (which the webhook maps to 400) and nothing
 * else, no {@link StackOverflowError} whatever the nesting; a rejection names at least one defect; an accepted body
 * holds 1 to {@code maxEvents} items with distinct, non-blank ids; and every decoded event goes through a rule set
 * (filters agree with their explanation, actions render within bounds or fail with {@code RenderException}), the way
 * an event travels after a 200.
 *
 * <p>
 * Seeds: the inputs directory (hand-written edge cases and past findings) and every fixture under
 * {@code src/test/resources/testdata/events/}.
 */
class EventDecoderFuzzTest {

    private static final int MAX_EVENTS = JsonLimits.defaults().maxEvents();

    static Stream<Arguments> eventFixtures() {
        return FuzzSeeds.files("src/test/resources/testdata/events", ".json");
    }

    @MethodSource("eventFixtures")
    @DictionaryEntries({ "\"id\"", "\"eventType\"", "\"type\"", "\"subject\"", "\"topic\"", "\"source\"", "\"data\"",
            "\"specversion\"", "\"1.0\"", "\"eventTime\"", "\"dataVersion\"", "\"runId\"", "\"runTags\"",
            "\"modelVersion\"", "\"modelIds\"", "\"driftCoefficient\"", "\"validationCode\"",
            "\"Microsoft.MachineLearningServices.RunStatusChanged\"",
            "\"Microsoft.MachineLearningServices.RunCompleted\"", "\"Microsoft.MachineLearningServices.ModelDeployed\"",
            "\"Microsoft.MachineLearningServices.ModelRegistered\"",
            "\"Microsoft.MachineLearningServices.DatasetDriftDetected\"",
            "\"Microsoft.EventGrid.SubscriptionValidationEvent\"", "\"Microsoft.EventGrid.SubscriptionDeletedEvent\"",
            "\"/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w\"",
            "\"experiments/e/runs/r\"", "1e999999999", "-0.0", "\\u0000", "\\ud800", "\ufeff" })
    @FuzzTest(maxDuration = "5m")
    void decodeAcceptsOrRejectsCleanly(byte[] body) {
        for (BodyFormat format : BodyFormat.values()) {
            List<Inbound> items;
            try {
                items = FuzzFixtures.DECODER.decode(body, format);
            } catch (EventDecodingException e) {
                if (e.defects().isEmpty()) {
                    throw new AssertionError("a rejection without a defect");
                }
                continue;
            }
            check(items, format);
        }
    }

    private static void check(List<Inbound> items, BodyFormat format) {
        if (items.isEmpty() || items.size() > MAX_EVENTS) {
            throw new AssertionError(format + ": accepted " + items.size() + " items");
        }
        Set<String> ids = new HashSet<>();
        RuleSet rules = FuzzFixtures.RULES;
        for (Inbound item : items) {
            if (item.id() == null || item.id().isBlank() || !ids.add(item.id())) {
                throw new AssertionError(format + ": blank or repeated id " + item.id());
            }
            if (item instanceof Inbound.Notification notification) {
                MlEvent event = notification.event();
                if (event.type() == null || event.type().isBlank() || !event.raw().isObject()) {
                    throw new AssertionError(format + ": an event without type or object: " + event);
                }
                event.studioUrl();
                event.relatedRunId();
                event.envelope().data();
                RuleSetChecks.check(rules, List.of(event));
            } else if (item instanceof Inbound.SubscriptionValidation validation
                    && (validation.validationCode() == null || validation.validationCode().isBlank())) {
                throw new AssertionError(format + ": a validation event without a code");
            }
        }
    }
}
