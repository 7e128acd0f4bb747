package io.amlrouter.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.filter.EventFilter;
import io.amlrouter.rules.filter.FilterParser;

/**
 * Deterministic, realistic rule filters for benchmarks: what a platform team running many workspaces, experiments and
 * models writes. Most filters do not match a given event (other types, other experiments, other models, other
 * workspaces), as in a real rule set.
 *
 * <p>
 * The mix: type-only rules; type plus subject prefix (one experiment, one model); failed-run mails ({@code StringIn} on
 * {@code runStatus}); drift thresholds ({@code NumberGreaterThan} on {@code driftCoefficient}); model tag gates
 * ({@code StringIn}/{@code StringNotIn} on tags and names); workspace gates on {@code topic}; and {@code anyOf}
 * alternatives.
 */
final class RuleSets {

    private static final String PREFIX = "Microsoft.MachineLearningServices.";
    private static final String[] TYPES = { "RunCompleted", "RunStatusChanged", "ModelRegistered", "ModelDeployed",
            "DatasetDriftDetected" };
    private static final String[] WORKSPACES = { "mlw-fraud-weu", "mlw-churn-neu", "mlw-pricing-weu",
            "mlw-vision-eus", "mlw-nlp-eus", "mlw-forecast-weu" };
    private static final String[] MODELS = { "fraud-gbm", "fraud-calibrator", "churn-xgb", "price-elasticity",
            "defect-detector", "intent-bert", "demand-prophet", "ltv-regressor" };
    private static final String EXPERIMENT = "7f3b2a90-c1d4-4e8f-a6b5-0d9e8c7f1a32";

    private RuleSets() {
    }

    static List<EventFilter> generate(int count, long seed) {
        Random random = new Random(seed);
        ObjectMapper mapper = new ObjectMapper();
        List<EventFilter> filters = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String json = filter(random);
            Diagnostics diagnostics = new Diagnostics();
            try {
                JsonNode node = mapper.readTree(json);
                filters.add(FilterParser.parse(node, "rules[" + i + "].filter", diagnostics)
                        .orElseThrow(() -> new IllegalStateException(diagnostics + " in " + json)));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(json, e);
            }
        }
        return filters;
    }

    private static String filter(Random random) {
        int kind = random.nextInt(100);
        if (kind < 20) {
            return "{\"includedEventTypes\": [" + quote(PREFIX + pick(random, TYPES)) + "]}";
        }
        if (kind < 35) {
            return random.nextBoolean()
                    ? "{\"includedEventTypes\": [\"" + PREFIX + "RunCompleted\"], \"subjectBeginsWith\": "
                            + quote("experiments/" + experiment(random) + "/") + "}"
                    : "{\"includedEventTypes\": [\"" + PREFIX + "ModelRegistered\"], \"subjectBeginsWith\": "
                            + quote("models/" + pick(random, MODELS) + ":") + "}";
        }
        if (kind < 50) {
            return "{\"includedEventTypes\": [\"" + PREFIX + "RunStatusChanged\"], \"subjectBeginsWith\": "
                    + quote("experiments/" + experiment(random) + "/") + ", \"advancedFilters\": ["
                    + "{\"operatorType\": \"StringIn\", \"key\": \"data.runStatus\", \"values\": [\"Failed\", "
                    + "\"Canceled\"]}]}";
        }
        if (kind < 60) {
            return "{\"includedEventTypes\": [\"" + PREFIX + "DatasetDriftDetected\"], \"advancedFilters\": ["
                    + "{\"operatorType\": \"NumberGreaterThan\", \"key\": \"data.driftCoefficient\", \"value\": "
                    + (30 + random.nextInt(60)) / 100.0 + "}, "
                    + "{\"operatorType\": \"StringIn\", \"key\": \"data.dataDriftName\", \"values\": ["
                    + quote(pick(random, MODELS) + "-drift-monitor") + "]}]}";
        }
        if (kind < 75) {
            return "{\"includedEventTypes\": [\"" + PREFIX + "ModelRegistered\"], \"advancedFilters\": ["
                    + "{\"operatorType\": \"StringIn\", \"key\": \"data.modelTags.stage\", \"values\": ["
                    + quote(random.nextBoolean() ? "approved" : "production") + "]}, "
                    + "{\"operatorType\": \"StringNotIn\", \"key\": \"data.modelName\", \"values\": "
                    + "[\"sandbox-model\", \"scratch\"]}, "
                    + "{\"operatorType\": \"StringBeginsWith\", \"key\": \"data.modelName\", \"values\": ["
                    + quote(pick(random, MODELS)) + "]}]}";
        }
        if (kind < 87) {
            return "{\"advancedFilters\": [{\"operatorType\": \"StringEndsWith\", \"key\": \"topic\", \"values\": ["
                    + quote("/workspaces/" + pick(random, WORKSPACES)) + "]}, "
                    + "{\"operatorType\": \"StringIn\", \"key\": \"eventType\", \"values\": ["
                    + quote(PREFIX + pick(random, TYPES)) + "]}]}";
        }
        return "{\"anyOf\": ["
                + "{\"includedEventTypes\": [\"" + PREFIX + "RunStatusChanged\"], \"advancedFilters\": ["
                + "{\"operatorType\": \"StringIn\", \"key\": \"data.experimentName\", \"values\": ["
                + quote(pick(random, MODELS) + "-weekly-retrain") + "]}, "
                + "{\"operatorType\": \"StringIn\", \"key\": \"data.runStatus\", \"values\": [\"Failed\"]}]}, "
                + "{\"includedEventTypes\": [\"" + PREFIX + "DatasetDriftDetected\"], \"advancedFilters\": ["
                + "{\"operatorType\": \"NumberGreaterThanOrEquals\", \"key\": \"data.driftCoefficient\", "
                + "\"value\": 0.8}]}]}";
    }

    /** Usually some other experiment; now and then the fixtures' one. */
    private static String experiment(Random random) {
        return random.nextInt(10) == 0 ? EXPERIMENT : new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String quote(String text) {
        return '"' + text + '"';
    }
}
