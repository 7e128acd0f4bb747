package io.amlrouter.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.JsonLimits;
import io.amlrouter.events.MlEvent;
import io.amlrouter.events.MlEventMapper;
import io.amlrouter.routing.DryRun;
import io.amlrouter.rules.RuleSet;

/**
 * Every rule a user can copy (README.md, docs/*.md, k8s/, the sample rules) can be seen both matching and
 * not matching in the dry run with the sample events under {@code src/test/resources/testdata/events/}
 * (the files the README and docs/rules.md post to {@code POST /rules/evaluate}): each rule matches at least
 * one sample whose workspace its rules file accepts, and misses at least one; a rule that filters on more
 * than the event type misses a sample for another reason than the type (a near miss: a model that is not
 * approved, a drift below the threshold); and where it matches, every action renders. The samples are decoded by the service's decoder and evaluated
 * by {@link DryRun}, as the endpoint does.
 */
class DocumentedRulesMeetTheSamplesTest {

    static final Path SAMPLES = Path.of("src/test/resources/testdata/events");
    static final EventDecoder DECODER = new EventDecoder(JsonLimits.defaults(), new MlEventMapper("https://ml.azure.com"));

    record Sample(String file, MlEvent event) {
    }

    static final List<Sample> SAMPLE_EVENTS = samples();

    static Stream<Named<String>> documentedRulesFiles() throws IOException {
        // The test rules are the tests' own, not documentation.
        return DocumentedRulesFilesTest.rulesFiles().filter(named -> !named.getName().equals("test rules"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedRulesFiles")
    void everyRuleMatchesASampleAndMissesOne(String content) {
        RuleSet set = ((LoadResult.Loaded) DocumentedRulesFilesTest.LOADER.load(content, "documented")).ruleSet();
        Map<String, List<String>> matched = new LinkedHashMap<>();
        Map<String, List<String>> missed = new LinkedHashMap<>();
        Map<String, List<String>> nearlyMatched = new LinkedHashMap<>();
        Map<String, Boolean> filtersBeyondType = new LinkedHashMap<>();
        List<String> renderErrors = new ArrayList<>();
        set.rules().forEach(rule -> {
            matched.put(rule.name(), new ArrayList<>());
            missed.put(rule.name(), new ArrayList<>());
            nearlyMatched.put(rule.name(), new ArrayList<>());
            List<String> fields = new ArrayList<>();
            if (rule.filterSource() != null) {
                rule.filterSource().fieldNames().forEachRemaining(fields::add);
            }
            filtersBeyondType.put(rule.name(), fields.stream().anyMatch(f -> !f.equals("includedEventTypes")));
        });
        for (Sample sample : SAMPLE_EVENTS) {
            DryRun.Evaluation evaluation = DryRun.evaluate(set, sample.event());
            for (DryRun.RuleOutcome outcome : evaluation.rules()) {
                if (!outcome.matched()) {
                    missed.get(outcome.rule()).add(sample.file() + ": " + outcome.mismatch().reason());
                    if (!outcome.mismatch().filter().endsWith("includedEventTypes")) {
                        nearlyMatched.get(outcome.rule()).add(sample.file());
                    }
                } else if (evaluation.workspaceAllowed()) {
                    matched.get(outcome.rule()).add(sample.file());
                    for (DryRun.ActionPreview preview : outcome.actions()) {
                        if (preview.error() != null) {
                            renderErrors.add("rule %s, action %d, sample %s: %s".formatted(outcome.rule(),
                                    preview.index(), sample.file(), preview.error()));
                        }
                    }
                }
            }
        }
        SoftAssertions softly = new SoftAssertions();
        for (String rule : matched.keySet()) {
            softly.assertThat(matched.get(rule)).as("samples rule %s matches (in an accepted workspace); it misses:%n  %s",
                    rule, String.join("\n  ", missed.get(rule))).isNotEmpty();
            softly.assertThat(missed.get(rule)).as("samples rule %s misses", rule).isNotEmpty();
            if (filtersBeyondType.get(rule)) {
                softly.assertThat(nearlyMatched.get(rule)).as("samples of its event types rule %s misses; it misses:%n  %s",
                        rule, String.join("\n  ", missed.get(rule))).isNotEmpty();
            }
        }
        softly.assertThat(renderErrors).as("actions of matched samples that cannot be rendered").isEmpty();
        softly.assertAll();
    }

    @Test
    void theSamplesShowApprovalAndLowDriftInBothSchemas() {
        Map<String, MlEvent> byFile = SAMPLE_EVENTS.stream()
                .collect(Collectors.toMap(Sample::file, Sample::event, (a, b) -> a, LinkedHashMap::new));
        for (String schema : List.of("eventgrid", "cloudevents")) {
            assertThat(byFile.get(schema + "/ModelRegistered.approved.json").raw().at("/data/modelTags/stage").asText())
                    .isEqualTo("approved");
            assertThat(byFile.get(schema + "/DatasetDriftDetected.low-drift.json").raw().at("/data/driftCoefficient").asDouble())
                    .isLessThan(0.5);
        }
    }

    /** Every notification event of every sample file (a batch gives several), named by its file. */
    static List<Sample> samples() {
        List<Sample> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SAMPLES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String name = SAMPLES.relativize(file).toString().replace('\\', '/');
                BodyFormat format = name.startsWith("cloudevents/") ? BodyFormat.CLOUDEVENT_BATCH : BodyFormat.JSON;
                for (Inbound item : DECODER.decode(Files.readAllBytes(file), format)) {
                    if (item instanceof Inbound.Notification notification) {
                        out.add(new Sample(name, notification.event()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (EventDecodingException e) {
            throw new IllegalStateException("a sample under " + SAMPLES + " does not decode: " + e.defects(), e);
        }
        assertThat(out).hasSizeGreaterThan(20);
        return List.copyOf(out);
    }
}
