package io.amlrouter.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.amlrouter.events.MlEvent;

/**
 * Writes the seeds of {@link EventFilterFuzzTest}: real filters (the rules of {@link FuzzFixtures#RULES_YAML}, the
 * shipped {@code k8s/base/rules.yaml}, the Event Grid docs' worked examples) and hand-made extremes, each paired with
 * an event, in the {@link JsonBytes} encoding. Re-run it after changing {@link JsonBytes}'s vocabulary (indices shift):
 *
 * <pre>
 * ./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.amlrouter.fuzz.FilterCorpusWriter
 * </pre>
 */
public final class FilterCorpusWriter {

    static final Path DIR = Path.of(
            "src/test/resources/io/amlrouter/fuzz/EventFilterFuzzTestInputs/filterParsesAndExplainAgreesWithMatches");

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private FilterCorpusWriter() {
    }

    public static void main(String[] args) throws IOException {
        Files.createDirectories(DIR);
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        MlEvent runStatus = fixture("RunStatusChanged.json");
        MlEvent drift = fixture("DatasetDriftDetected.json");

        for (String file : new String[] { "k8s/base/rules.yaml" }) {
            JsonNode rules = YAML.readTree(Files.readAllBytes(Path.of(file))).path("rules");
            for (JsonNode rule : rules) {
                seeds.put("k8s-" + rule.path("name").asText(), JsonBytes.encode(rule.path("filter"), runStatus.raw()));
            }
        }
        for (JsonNode rule : YAML.readTree(FuzzFixtures.RULES_YAML).path("rules")) {
            if (rule.has("filter")) {
                seeds.put("fixture-rules-" + rule.path("name").asText(),
                        JsonBytes.encode(rule.path("filter"), drift.raw()));
            }
        }
        // Event Grid docs, advanced filtering examples (reference §6.7 A-E), on the docs' own sample data.
        JsonNode docsEvent = json("{\"id\":\"1\",\"eventType\":\"T\",\"subject\":\"/providers/microsoft.devtestlab/x\","
                + "\"data\":{\"counter\":5,\"key1\":[\"microsoft\",\"azure\"],\"key2\":null}}");
        seeds.put("docs-number-in", JsonBytes.encode(yaml(
                "advancedFilters: [{operatorType: NumberIn, key: data.counter, values: [5, 1]}]"), docsEvent));
        seeds.put("docs-string-contains-on-arrays", JsonBytes.encode(yaml("enableAdvancedFilteringOnArrays: true\n"
                + "advancedFilters: [{operatorType: StringContains, key: data.key1, values: [microsoft, azure]}]"),
                docsEvent));
        seeds.put("docs-is-null-or-undefined", JsonBytes.encode(yaml(
                "advancedFilters: [{operatorType: IsNullOrUndefined, key: data.key2}]"), docsEvent));
        seeds.put("every-operator", JsonBytes.encode(yaml("""
                isSubjectCaseSensitive: false
                subjectBeginsWith: EXPERIMENTS/
                subjectEndsWith: _7
                advancedFilters:
                  - {operatorType: NumberIn, key: data.n, values: [1, 2.5]}
                  - {operatorType: NumberNotIn, key: data.n, values: [3]}
                  - {operatorType: NumberLessThan, key: data.n, value: 10}
                  - {operatorType: NumberGreaterThan, key: data.n, value: -10}
                  - {operatorType: NumberLessThanOrEquals, key: data.n, value: 1}
                  - {operatorType: NumberGreaterThanOrEquals, key: data.n, value: 1}
                  - {operatorType: NumberInRange, key: data.n, values: [[0, 1], [5, 9]]}
                  - {operatorType: NumberNotInRange, key: data.n, values: [[2, 3]]}
                  - {operatorType: BoolEquals, key: data.b, value: true}
                  - {operatorType: StringContains, key: data.s, values: [a]}
                  - {operatorType: StringNotContains, key: data.s, values: [z]}
                  - {operatorType: StringBeginsWith, key: data.s, values: [a]}
                  - {operatorType: StringNotBeginsWith, key: data.s, values: [z]}
                  - {operatorType: StringEndsWith, key: data.s, values: [c]}
                  - {operatorType: StringNotEndsWith, key: data.s, values: [z]}
                  - {operatorType: StringIn, key: data.s, values: [abc]}
                  - {operatorType: StringNotIn, key: data.s, values: [z]}
                  - {operatorType: IsNotNull, key: id}
                  - {operatorType: IsNullOrUndefined, key: data.none}
                """), json("{\"id\":\"1\",\"eventType\":\"T\",\"subject\":\"experiments/x/runs/r_7\","
                        + "\"data\":{\"n\":1,\"b\":true,\"s\":\"ABC\"}}")));
        seeds.put("case-folding", JsonBytes.encode(yaml("""
                isSubjectCaseSensitive: false
                subjectBeginsWith: "İ"
                subjectEndsWith: "ß"
                advancedFilters:
                  - {operatorType: StringIn, key: data.s, values: ["ς", "\u212A"]}
                  - {operatorType: StringEndsWith, key: SUBJECT, values: ["ﬀ"]}
                """), json("{\"id\":\"1\",\"type\":\"T\",\"subject\":\"i\u0307SS\",\"data\":{\"s\":\"Σ\"}}")));
        seeds.put("huge-numbers", JsonBytes.encode(json("{\"advancedFilters\":[{\"operatorType\":\"NumberInRange\","
                + "\"key\":\"data.n\",\"values\":[[-1e308,1e308]]},{\"operatorType\":\"NumberLessThan\",\"key\":\"data.m\","
                + "\"value\":123456789012345678901234567890}]}"),
                json("{\"id\":\"1\",\"eventType\":\"T\",\"data\":{\"n\":1e400,\"m\":-1e-400}}")));
        // Hand-made extremes: anyOf nested 20,000 deep, and an event whose data nests 20,000 arrays deep.
        seeds.put("anyof-nested-20000", concat(nest(20_000, 2, "anyOf", yaml("subjectBeginsWith: experiments/")),
                JsonBytes.encode(runStatus.raw())));
        seeds.put("event-data-nested-20000", concat(JsonBytes.encode(yaml("""
                enableAdvancedFilteringOnArrays: true
                advancedFilters:
                  - {operatorType: StringNotIn, key: data, values: [x]}
                  - {operatorType: IsNullOrUndefined, key: data.a}
                """)), new byte[] { 12, 2, (byte) JsonBytes.KEYS.indexOf("id"), 3, 1,
                        (byte) JsonBytes.KEYS.indexOf("data") }, nest(20_000, 0, "a", json("1"))));

        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(DIR.resolve(seed.getKey() + ".bin"), seed.getValue());
        }
        System.out.println("wrote " + seeds.size() + " seeds to " + DIR);
    }

    /** {@code NEST}: {@code inner} wrapped {@code n} times ({@code kind} 0 [v], 1 {key: v}, 2 {key: [v]}). */
    private static byte[] nest(int n, int kind, String key, JsonNode inner) {
        return concat(new byte[] { 13, (byte) (n >> 8), (byte) n, (byte) kind, (byte) JsonBytes.KEYS.indexOf(key) },
                JsonBytes.encode(inner));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static MlEvent fixture(String name) {
        return FuzzFixtures.EVENTS.stream().filter(e -> e.raw().toString().length() > 0)
                .filter(e -> name.startsWith(e.type().substring(e.type().lastIndexOf('.') + 1) + "."))
                .findFirst().orElseThrow();
    }

    private static JsonNode yaml(String text) throws IOException {
        return YAML.readTree(text);
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }
}
