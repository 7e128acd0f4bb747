package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/** Realistic rules against the reference's Azure ML events, in both delivery schemas. */
class FixtureEventsTest {

    static List<FilterCase> cases() {
        return FixtureRules.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ruleOnFixture(FilterCase c) {
        assertThat(c.compiled().matches(c.event())).isEqualTo(c.expected());
    }

    @Test
    void fixturesHaveTheReferenceShapes() {
        JsonNode drift = TestData.fixture("DatasetDriftDetected.json");
        assertThat(drift.get("data").get("driftCoefficient").doubleValue()).isEqualTo(0.6281934407162297);
        assertThat(TestData.fixture("ModelRegistered.json").get("data").get("modelVersion").isTextual()).isTrue();
        JsonNode pascal = TestData.fixture("ModelRegistered.pascal.json");
        assertThat(pascal.get("data").get("ModelVersion").isNumber()).isTrue();
        assertThat(pascal.get("dataVersion").textValue()).isEmpty();
        assertThat(TestData.fixture("RunStatusChanged.json").get("data").get("runStatus").textValue())
                .isEqualTo("Failed");
        assertThat(TestData.fixture("ModelDeployed.json").get("subject").textValue())
                .isEqualTo("endpoints/fraud-scorer-aks");
        assertThat(TestData.fixture("RunCompleted.json").get("data").get("runTags").get("trigger").textValue())
                .isEqualTo("drift");
    }
}
