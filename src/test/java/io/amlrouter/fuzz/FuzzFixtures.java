package io.amlrouter.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.JsonLimits;
import io.amlrouter.events.MlEvent;
import io.amlrouter.events.MlEventMapper;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.load.LoadResult;
import io.amlrouter.rules.load.RuleSetLoader;

/**
 * What the fuzz targets share: the production decoder and the Azure ML fixture events, decoded once per JVM. Fuzz
 * targets run millions of times in one JVM, so nothing here is rebuilt per input.
 */
final class FuzzFixtures {

    /** The decoder exactly as the service builds it (default limits). */
    static final EventDecoder DECODER = new EventDecoder(JsonLimits.defaults(), new MlEventMapper("https://ml.azure.com"));

    /** Every Event Grid schema fixture under {@code testdata/events/eventgrid/}, decoded, in file-name order. */
    static final List<MlEvent> EVENTS = decodeAll(Path.of("src/test/resources/testdata/events/eventgrid"));

    /**
     * A rules file that loads in this build: every filter feature (types, subject, advanced operators, anyOf) and
     * templates with loops, defaults and HTML. Decoded events are routed through it.
     */
    static final String RULES_YAML = """
            rules:
              - name: mail-failed-runs
                description: Tell the team when a <b>run</b> fails & more
                filter:
                  includedEventTypes: [Microsoft.MachineLearningServices.RunStatusChanged]
                  subjectBeginsWith: experiments/
                  advancedFilters:
                    - { operatorType: StringIn, key: data.runStatus, values: [Failed, Canceled] }
                actions:
                  - email:
                      to: [mlops@contoso.com, "{event.data.runTags.owner ?: 'oncall@contoso.com'}"]
                      subject: "Run {event.data.runId} {event.data.runStatus} in {event.data.experimentName}"
                      template: run-status
              - name: drift-or-deployed
                filter:
                  anyOf:
                    - includedEventTypes: [Microsoft.MachineLearningServices.DatasetDriftDetected]
                      advancedFilters:
                        - { operatorType: NumberGreaterThan, key: data.driftCoefficient, value: 0.5 }
                        - { operatorType: NumberNotInRange, key: data.driftCoefficient, values: [[0.9, 1.1]] }
                    - includedEventTypes: [Microsoft.MachineLearningServices.ModelDeployed]
                      enableAdvancedFilteringOnArrays: true
                      advancedFilters:
                        - { operatorType: StringContains, key: data.modelIds, values: ["fraud-gbm:"] }
                        - { operatorType: IsNotNull, key: data.serviceName }
                actions:
                  - email:
                      to: mlops@contoso.com
                      cc: ["{rule.name}@contoso.com"]
                      subject: "{event.type} on {event.subject ?: event.id}"
                      html: "<p>{#for k in event.data}{k_count}. {k}{#if k_hasNext}, {/if}{/for}</p><p>{rule.description ?: 'none'}</p>"
                      text: "{#let t=event.type s=event.subject}{t}: {s ?: 'no subject'}{/let} {event.workspace.name ?: 'no workspace'}"
              - name: everything
                actions:
                  - email:
                      to: [audit@contoso.com]
                      subject: "{event.id} {event.time ?: ''} {event.topic ?: ''}"
                      template: generic
              - name: not-in-and-null-checks
                filter:
                  isSubjectCaseSensitive: true
                  subjectEndsWith: _7
                  advancedFilters:
                    - { operatorType: StringNotIn, key: data.runType, values: [automl] }
                    - { operatorType: IsNullOrUndefined, key: data.runTags.missing }
                    - { operatorType: NumberIn, key: data.runProperties.counter, values: [1, 2.5, -3] }
                    - { operatorType: BoolEquals, key: data.runTags.flag, value: true }
                actions:
                  - email: { to: [x@contoso.com], subject: "{event.data.a.b ?: 'none'}", text: "{event.data}" }
            """;

    /** {@link #RULES_YAML}, loaded. */
    static final RuleSet RULES = load(RULES_YAML);

    private FuzzFixtures() {
    }

    private static RuleSet load(String yaml) {
        LoadResult result = RuleSetLoader.withDefaults().load(yaml, "FuzzFixtures.RULES_YAML");
        if (result instanceof LoadResult.Loaded loaded) {
            return loaded.ruleSet();
        }
        throw new IllegalStateException("FuzzFixtures.RULES_YAML does not load: " + result);
    }

    private static List<MlEvent> decodeAll(Path dir) {
        List<MlEvent> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                List<Inbound> items = DECODER.decode(Files.readAllBytes(file), BodyFormat.JSON);
                out.add(((Inbound.Notification) items.get(0)).event());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (EventDecodingException e) {
            throw new IllegalStateException("a fixture under " + dir + " does not decode: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no fixture events under " + dir.toAbsolutePath());
        }
        return List.copyOf(out);
    }
}
