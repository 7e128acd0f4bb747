package io.amlrouter.actions.azureml;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.amlrouter.support.ActionTestSupport.deliver;
import static io.amlrouter.support.ActionTestSupport.key;
import static io.amlrouter.support.ActionTestSupport.record;
import static io.amlrouter.support.ActionTestSupport.runCompleted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.support.WireMockResource;
import io.amlrouter.support.WireMockStubs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** adfPipelineRun and amlPipelineEndpoint against WireMock: exact requests, recorded run ids, redelivery. */
@QuarkusTest
class PipelineActionsTest {

    static final String BEARER = "Bearer " + WireMockResource.ARM_TOKEN;
    static final String CREATE_RUN = "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/rg-data"
            + "/providers/Microsoft.DataFactory/factories/adf-fraud/pipelines/refresh-features/createRun";
    static final String PIPELINE_ENDPOINT = "/pipelines/v1.0/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48"
            + "/resourceGroups/rg-mlops-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-fraud-weu"
            + "/PipelineRuns/PipelineEndpointSubmit/Id/7d1e5c2a-3b4f-4e6a-9c8d-0f1a2b3c4d5e";

    @Inject
    OutcomeLedger ledger;

    final WireMockServer wm = WireMockResource.server();
    final WireMockStubs stubs = new WireMockStubs(wm);

    @AfterEach
    void removeStubs() {
        stubs.removeAll();
    }

    @Test
    void startsTheDataFactoryPipelineAndRecordsItsRunId() {
        ObjectNode event = runCompleted("adf");
        String run = event.at("/data/runId").asText();
        stubs.add(post(urlPathEqualTo(CREATE_RUN)).withRequestBody(containing(run))
                .willReturn(okJson("{\"runId\":\"2f7c4b1e-9d3a-4e8f-b6c5-1a0d9e8f7c6b\"}")));
        deliver(event).statusCode(200).body("events[0].state", is("done"));
        deliver(event).statusCode(200).body("events[0].state", is("done"));

        wm.verify(1, postRequestedFor(urlPathEqualTo(CREATE_RUN))
                .withQueryParam("api-version", equalTo("2018-06-01"))
                .withHeader("Authorization", equalTo(BEARER))
                .withRequestBody(equalToJson("{\"sourceRun\":\"" + run + "\",\"experiment\":\"fraud-weekly-retrain\","
                        + "\"full\":true}")));
        ActionRecord done = record(ledger, key(event, "test-adf-run", 0)).orElseThrow();
        assertThat(done.state()).isEqualTo(ActionState.SUCCEEDED);
        assertThat(done.kind()).isEqualTo("adfPipelineRun");
        assertThat(done.externalId()).isEqualTo("2f7c4b1e-9d3a-4e8f-b6c5-1a0d9e8f7c6b");
    }

    @Test
    void aPipelineThatDoesNotExistIsADeadLetter() {
        ObjectNode event = runCompleted("adf");
        stubs.add(post(urlPathEqualTo(CREATE_RUN)).withRequestBody(containing(event.at("/data/runId").asText()))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"PipelineNotFound\",\"message\":\"Pipeline refresh-features "
                                + "does not exist.\"}}")));
        deliver(event).statusCode(200);
        ActionRecord failed = record(ledger, key(event, "test-adf-run", 0)).orElseThrow();
        assertThat(failed.state()).isEqualTo(ActionState.FAILED);
        assertThat(failed.lastError()).isEqualTo("pipeline refresh-features of factory adf-fraud: ARM answered 404 "
                + "PipelineNotFound: Pipeline refresh-features does not exist.");
    }

    @Test
    void submitsTheV1PipelineEndpointWithAnArmToken() {
        ObjectNode event = runCompleted("pipeline-endpoint");
        String run = event.at("/data/runId").asText();
        stubs.add(post(urlPathEqualTo(PIPELINE_ENDPOINT)).withRequestBody(containing(run))
                .willReturn(okJson("{\"Id\":\"b3c1e0d2-7a4f-4c9e-8d1b-5f6a7e8d9c0b\",\"Status\":\"NotStarted\"}")));
        deliver(event).statusCode(200).body("events[0].state", is("done"));

        wm.verify(1, postRequestedFor(urlPathEqualTo(PIPELINE_ENDPOINT))
                .withHeader("Authorization", equalTo(BEARER))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("{\"ExperimentName\":\"fraud-batch-score\",\"ParameterAssignments\":"
                        + "{\"sourceRun\":\"" + run + "\"}}")));
        ActionRecord done = record(ledger, key(event, "test-pipeline-endpoint", 0)).orElseThrow();
        assertThat(done.state()).isEqualTo(ActionState.SUCCEEDED);
        assertThat(done.externalId()).isEqualTo("b3c1e0d2-7a4f-4c9e-8d1b-5f6a7e8d9c0b");
    }
}
