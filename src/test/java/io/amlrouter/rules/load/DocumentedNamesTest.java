package io.amlrouter.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.amlrouter.events.MlEvent;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.action.ActionContext;
import io.amlrouter.rules.action.ActionKind;
import io.amlrouter.rules.action.ActionSpec;
import io.amlrouter.rules.action.ArmNames;
import io.amlrouter.rules.action.RenderedAmlJob;
import io.amlrouter.rules.action.RenderedAmlOnlineDeployment;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.support.EventFixtures;

/**
 * Every ARM resource name a documented rule would send (online endpoints and deployments, job names) is one Azure
 * accepts, for every sample event of the types the rule can match: the documented rules files of
 * {@link DocumentedRulesFilesTest} (README, docs/, k8s/, sample rules) rendered against the sample events under
 * src/test/resources/testdata/events.
 */
class DocumentedNamesTest {

    static final List<MlEvent> SAMPLES = samples();

    static List<MlEvent> samples() {
        List<MlEvent> events = new ArrayList<>();
        for (String dir : List.of("eventgrid", "cloudevents", "synthetic")) {
            try (Stream<Path> files = Files.list(Path.of("src/test/resources/testdata/events", dir))) {
                for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    events.add(EventFixtures.decode(EventFixtures.event(dir + "/" + p.getFileName())));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return events;
    }

    static Stream<Named<String>> documented() throws IOException {
        return DocumentedRulesFilesTest.rulesFiles().filter(f -> !f.getName().equals("test rules"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documented")
    void everyRenderedResourceNameFollowsAzuresRules(String content) {
        LoadResult result = DocumentedRulesFilesTest.LOADER.load(content, "documented");
        assertThat(result).isInstanceOf(LoadResult.Loaded.class);
        for (Rule rule : ((LoadResult.Loaded) result).ruleSet().rules()) {
            for (int i = 0; i < rule.actions().size(); i++) {
                ActionSpec spec = rule.actions().get(i);
                if (spec.kind() != ActionKind.AML_ONLINE_DEPLOYMENT && spec.kind() != ActionKind.AML_JOB) {
                    continue;
                }
                for (MlEvent event : SAMPLES) {
                    if (rule.scope().isKnown() && rule.scope().types().stream()
                            .noneMatch(t -> t.equalsIgnoreCase(event.type()))) {
                        continue;
                    }
                    check(rule, i, spec, event);
                }
            }
        }
    }

    private static void check(Rule rule, int index, ActionSpec spec, MlEvent event) {
        String where = "rule " + rule.name() + " action " + index + " for sample event " + event.id() + " ("
                + event.type() + ")";
        try {
            var rendered = spec.render(new ActionContext(event, rule.name(), rule.description(), index));
            if (rendered instanceof RenderedAmlOnlineDeployment d) {
                assertThat(ArmNames.onlineNameProblem(d.endpoint())).as(where + ": endpoint " + d.endpoint()).isEmpty();
                assertThat(ArmNames.onlineNameProblem(d.deployment())).as(where + ": deployment " + d.deployment())
                        .isEmpty();
            } else if (rendered instanceof RenderedAmlJob j) {
                assertThat(j.jobName()).as(where).matches(ArmNames.JOB_NAME);
            }
        } catch (RenderException e) {
            assertThat(e.getMessage()).as(where).doesNotContain("is not a valid");
        }
    }

    @org.junit.jupiter.api.Test
    void theDocumentedDeploymentsAreRenderedForTheSampleWithAModelNameArmRefusesAsIs() throws IOException {
        assertThat(SAMPLES).anyMatch(e -> "credit_default_xgboost_classifier"
                .equals(e.raw().at("/data/modelName").asText()));
        long deployments = documented().map(f -> DocumentedRulesFilesTest.LOADER.load(f.getPayload(), "documented"))
                .filter(LoadResult.Loaded.class::isInstance)
                .flatMap(r -> ((LoadResult.Loaded) r).ruleSet().rules().stream())
                .flatMap(r -> r.actions().stream()).filter(a -> a.kind() == ActionKind.AML_ONLINE_DEPLOYMENT).count();
        assertThat(deployments).as("documented amlOnlineDeployment actions").isGreaterThanOrEqualTo(3);
    }
}
