package io.amlrouter.rules.template;

import static io.amlrouter.rules.template.TemplatesTest.errors;
import static io.amlrouter.rules.template.TemplatesTest.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.amlrouter.events.EventTypes;

/** The string helpers of placeholders: what they do, what the loader refuses, and that they stay pure and bounded. */
class NameHelpersTest {

    static final TemplateScope MODEL = TemplateScope.of(List.of(EventTypes.MODEL_REGISTERED));
    static final String EVENT = """
            {"id": "h1", "eventType": "Microsoft.MachineLearningServices.ModelRegistered",
             "subject": "models/credit_default_xgboost_classifier:3",
             "topic": "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws",
             "data": {"modelName": "Credit_Default XGBoost.Classifier", "modelVersion": 3, "modelTags": {}}}
            """;

    @Test
    void lowerUpperAndReplaceDisallowedBuildANameFromAnyModelName() throws Exception {
        assertThat(render("{event.data.modelName.lower()}|{event.data.modelName.upper()}", false, MODEL, EVENT))
                .isEqualTo("credit_default xgboost.classifier|CREDIT_DEFAULT XGBOOST.CLASSIFIER");
        assertThat(render("{event.data.modelName.lower().replaceDisallowed('a-z0-9-', '-')}-v{event.data.modelVersion}",
                false, MODEL, EVENT)).isEqualTo("credit-default-xgboost-classifier-v3");
        assertThat(render("{event.data.modelName.replaceDisallowed('a-zA-Z', '')}", false, MODEL, EVENT))
                .isEqualTo("CreditDefaultXGBoostClassifier");
        assertThat(render("{event.data.modelVersion.replaceDisallowed('-0-9', '')}", false, MODEL, EVENT))
                .as("numbers are values too; a '-' first or last in the set is itself").isEqualTo("3");
    }

    @Test
    void truncHashKeepsShortValuesAndCutsLongOnesToTheLengthWithAStableHash() throws Exception {
        String name = render("{event.data.modelName.lower().replaceDisallowed('a-z0-9-', '-').truncHash(24)}", false,
                MODEL, EVENT);
        assertThat(name).matches("credit-default-[0-9a-f]{8}")
                .isEqualTo(NameHelpers.truncHash("credit-default-xgboost-classifier", 24));
        assertThat(NameHelpers.truncHash("short", 24)).isEqualTo("short");
        assertThat(NameHelpers.truncHash("credit-default-xgboost-classifier", 24))
                .as("the cut start loses its trailing '-', so no '--' appears").doesNotContain("--");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String cut = NameHelpers.truncHash("a-very-long-common-model-name-prefix-" + i, 20);
            assertThat(cut).hasSizeLessThanOrEqualTo(20);
            names.add(cut);
        }
        assertThat(names).as("distinct long values with a common start stay distinct").hasSize(2000);
        assertThat(NameHelpers.truncHash("x".repeat(100), 10)).hasSize(10);
        assertThat(NameHelpers.truncHash("ab-cd".repeat(20), 32)).hasSizeLessThanOrEqualTo(32).doesNotContain("--");
        assertThat(NameHelpers.truncHash("-".repeat(100), 10)).matches("[0-9a-f]{8}");
    }

    @Test
    void replaceDisallowedReplacesEveryCodePointOnce() {
        assertThat(NameHelpers.replaceDisallowed("modèle😀/v1", "a-z0-9", "-")).isEqualTo("mod-le--v1");
        assertThat(NameHelpers.replaceDisallowed("a.b_c", "a-c", "")).isEqualTo("abc");
    }

    @Test
    void theLoaderChecksHelperCallsAndTheirLiteralArguments() {
        assertThat(errors("{event.data.modelName.truncHash(5)}", MODEL))
                .anySatisfy(e -> assertThat(e).contains("truncHash(5)", "from 10 to 1024"));
        assertThat(errors("{event.data.modelName.truncHash('x')}", MODEL))
                .anySatisfy(e -> assertThat(e).contains("is not a whole number"));
        assertThat(errors("{event.data.modelName.replaceDisallowed('z-a', '-')}", MODEL))
                .anySatisfy(e -> assertThat(e).contains("z-a", "upwards"));
        assertThat(errors("{event.data.modelName.replaceDisallowed('a-z', '--')}", MODEL))
                .anySatisfy(e -> assertThat(e).contains("must be one character"));
        assertThat(errors("{event.data.modelName.replaceDisallowed('a-z')}", MODEL))
                .anySatisfy(e -> assertThat(e).contains("takes 2 argument(s), not 1"));
        assertThat(errors("{event.data.modelName.replaceDisallowed(event.data.modelVersion, '-')}", MODEL))
                .anySatisfy(e -> assertThat(e).contains("arguments are literals"));
        assertThat(errors("{event.data.modelName.lower('x')}", MODEL))
                .anySatisfy(e -> assertThat(e).contains("lower() takes 0 argument(s)"));
        assertThat(errors("{event.data.modelName.toLowerCase()}", MODEL))
                .anySatisfy(e -> assertThat(e).contains("\"toLowerCase\" is not available", "truncHash"));
        assertThat(errors("{event.data.modelName.lower().replaceDisallowed('a-z0-9-', '-').truncHash(32)}", MODEL))
                .isEmpty();
    }

    @Test
    void aMissingValueStillFailsAndStillTakesADefault() throws Exception {
        assertThatThrownBy(() -> render("{event.data.modelTags.team.lower()}", false, MODEL, EVENT))
                .isInstanceOf(RenderException.class).hasMessageContaining("team");
        assertThat(render("{event.data.modelTags.team.lower() ?: 'none'}", false, MODEL, EVENT)).isEqualTo("none");
    }
}
