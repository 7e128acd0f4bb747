package io.amlrouter.rules.filter;

import static io.amlrouter.rules.filter.FilterCase.match;
import static io.amlrouter.rules.filter.FilterCase.noMatch;
import static io.amlrouter.rules.filter.TestData.asCloudEvent;
import static io.amlrouter.rules.filter.TestData.fixture;

import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** includedEventTypes and the subject filters, on both delivery schemas. */
final class EnvelopeCases {

    private EnvelopeCases() {
    }

    private static final String RUN_COMPLETED = "Microsoft.MachineLearningServices.RunCompleted";
    private static final String MODEL_REGISTERED = "Microsoft.MachineLearningServices.ModelRegistered";

    static JsonNode runCompleted() {
        return fixture("RunCompleted.json");
    }

    static JsonNode modelRegistered() {
        return fixture("ModelRegistered.json");
    }

    static JsonNode edit(JsonNode event, Consumer<ObjectNode> change) {
        ObjectNode copy = event.deepCopy();
        change.accept(copy);
        return copy;
    }

    static List<FilterCase> eventTypes() {
        String one = "includedEventTypes: [" + RUN_COMPLETED + "]";
        String two = "includedEventTypes: [" + MODEL_REGISTERED + ", " + RUN_COMPLETED + "]";
        return List.of(
                match("includedEventTypes: listed type", one, runCompleted()),
                match("includedEventTypes: second of two listed types", two, runCompleted()),
                noMatch("includedEventTypes: type not listed", one, modelRegistered()),
                match("includedEventTypes: compared case-insensitively",
                        "includedEventTypes: [microsoft.machinelearningservices.RUNCOMPLETED]", runCompleted()),
                match("includedEventTypes: All matches every type", "includedEventTypes: [All]", modelRegistered()),
                match("includedEventTypes: all (any case) matches every type", "includedEventTypes: [all]",
                        runCompleted()),
                match("includedEventTypes: All next to other types still matches every type",
                        "includedEventTypes: [" + RUN_COMPLETED + ", All]", modelRegistered()),
                match("includedEventTypes: omitted matches every type", "subjectBeginsWith: \"\"", modelRegistered()),
                match("includedEventTypes: null counts as omitted", "includedEventTypes: null", modelRegistered()),
                match("includedEventTypes: CloudEvents type attribute", one, asCloudEvent(runCompleted())),
                noMatch("includedEventTypes: CloudEvents type not listed", one, asCloudEvent(modelRegistered())),
                noMatch("includedEventTypes: event without a type", one,
                        edit(runCompleted(), e -> e.remove("eventType"))),
                noMatch("includedEventTypes: event type that is not a string", one,
                        edit(runCompleted(), e -> e.put("eventType", 5))),
                noMatch("includedEventTypes: a prefix of the type is not the type",
                        "includedEventTypes: [Microsoft.MachineLearningServices.Run]", runCompleted()));
    }

    static List<FilterCase> subjects() {
        JsonNode run = runCompleted(); // subject experiments/7f3b2a90-…/runs/quiet_lemon_7k2xq9vz4m
        JsonNode upper = edit(run, e -> e.put("subject", "Experiments/7F3B2A90-C1D4-4E8F-A6B5-0D9E8C7F1A32/runs/X"));
        String sensitive = "isSubjectCaseSensitive: true\n";
        return List.of(
                match("subjectBeginsWith: prefix", "subjectBeginsWith: experiments/", run),
                noMatch("subjectBeginsWith: other prefix", "subjectBeginsWith: models/", run),
                match("subjectBeginsWith: case-insensitive by default",
                        "subjectBeginsWith: experiments/7f3b2a90-c1d4-4e8f-a6b5-0d9e8c7f1a32/", upper),
                match("subjectBeginsWith: case-insensitive when isSubjectCaseSensitive is false",
                        "isSubjectCaseSensitive: false\nsubjectBeginsWith: EXPERIMENTS/", run),
                noMatch("subjectBeginsWith: case-sensitive when isSubjectCaseSensitive is true",
                        sensitive + "subjectBeginsWith: experiments/7f3b2a90", upper),
                match("subjectBeginsWith: case-sensitive, same case", sensitive + "subjectBeginsWith: experiments/",
                        run),
                match("subjectBeginsWith: the whole subject", "subjectBeginsWith: models/fraud-gbm:14",
                        modelRegistered()),
                noMatch("subjectBeginsWith: longer than the subject", "subjectBeginsWith: models/fraud-gbm:140",
                        modelRegistered()),
                match("subjectBeginsWith: models/fraud-gbm also matches models/fraud-gbm2 (prefix semantics)",
                        "subjectBeginsWith: models/fraud-gbm",
                        edit(modelRegistered(), e -> e.put("subject", "models/fraud-gbm2:1"))),
                noMatch("subjectBeginsWith: wildcard is literal", "subjectBeginsWith: experiments/*/runs", run),
                match("subjectEndsWith: suffix", "subjectEndsWith: /runs/quiet_lemon_7k2xq9vz4m", run),
                match("subjectEndsWith: case-insensitive by default", "subjectEndsWith: :14",
                        edit(modelRegistered(), e -> e.put("subject", "MODELS/X:14"))),
                match("subjectEndsWith: case-insensitive letters", "subjectEndsWith: QUIET_LEMON_7K2XQ9VZ4M", run),
                noMatch("subjectEndsWith: case-sensitive when isSubjectCaseSensitive is true",
                        sensitive + "subjectEndsWith: QUIET_LEMON_7K2XQ9VZ4M", run),
                noMatch("subjectEndsWith: other suffix", "subjectEndsWith: :15", modelRegistered()),
                match("subject filters: both prefix and suffix", "subjectBeginsWith: models/\nsubjectEndsWith: :14",
                        modelRegistered()),
                noMatch("subject filters: prefix matches, suffix does not",
                        "subjectBeginsWith: models/\nsubjectEndsWith: :15", modelRegistered()),
                match("subject filters: empty strings match every subject",
                        "subjectBeginsWith: \"\"\nsubjectEndsWith: \"\"", run),
                match("subject filters: empty strings match an event without subject",
                        "subjectBeginsWith: \"\"", edit(run, e -> e.remove("subject"))),
                noMatch("subjectBeginsWith: event without subject", "subjectBeginsWith: experiments/",
                        edit(run, e -> e.remove("subject"))),
                noMatch("subjectEndsWith: subject that is not a string", "subjectEndsWith: \"14\"",
                        edit(run, e -> e.put("subject", 14))),
                match("subjectBeginsWith: YAML number coerced to text", "subjectBeginsWith: 14",
                        edit(run, e -> e.put("subject", "14/x"))),
                match("subjectBeginsWith: CloudEvents event", "subjectBeginsWith: experiments/", asCloudEvent(run)));
    }
}
