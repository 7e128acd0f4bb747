package io.amlrouter.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.amlrouter.support.TestData;

class EventDecoderTest {

    private final EventDecoder decoder = new EventDecoder(JsonLimits.defaults(), new MlEventMapper("https://ml.azure.com"));

    private MlEvent single(String fixture, BodyFormat format) throws EventDecodingException {
        List<Inbound> items = decoder.decode(TestData.bytes(fixture), format);
        assertThat(items).hasSize(1);
        return ((Inbound.Notification) items.get(0)).event();
    }

    @ParameterizedTest
    @ValueSource(strings = { "events/cloudevents/RunCompleted.json", "events/cloudevents/RunCompleted.pascal.json" })
    void runCompletedInEitherCasing(String fixture) throws Exception {
        MlEvent.RunCompleted e = (MlEvent.RunCompleted) single(fixture, BodyFormat.CLOUDEVENT);
        assertThat(e.id()).isEqualTo("2c9e6a14-5f0b-4d87-93a1-b8e47d2f6c09");
        assertThat(e.envelope().schema()).isEqualTo(EventSchema.CLOUD_EVENTS);
        assertThat(e.experimentName()).isEqualTo("fraud-weekly-retrain");
        assertThat(e.runId()).isEqualTo("quiet_lemon_7k2xq9vz4m");
        assertThat(e.runType()).isEqualTo("azureml.PipelineRun");
        assertThat(e.runTags()).containsEntry("trigger", "drift");
        assertThat(e.envelope().workspace()).isEqualTo(new Workspace("5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48",
                "rg-mlops-prod", "mlw-fraud-weu"));
        assertThat(e.studioUrl()).contains("https://ml.azure.com/runs/quiet_lemon_7k2xq9vz4m?wsid=/subscriptions/"
                + "5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourcegroups/rg-mlops-prod/workspaces/mlw-fraud-weu");
    }

    @Test
    void runTypeNullAndStrayPascalRunTags() throws Exception {
        MlEvent.RunCompleted e = (MlEvent.RunCompleted) single("events/eventgrid/RunCompleted.runtype-null.json", BodyFormat.JSON);
        assertThat(e.envelope().schema()).isEqualTo(EventSchema.EVENT_GRID);
        assertThat(e.runType()).isNull();
        assertThat(e.runTags()).containsEntry("trigger", "drift");
        assertThat(e.envelope().dataVersion()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "events/cloudevents/RunStatusChanged.json", "events/cloudevents/RunStatusChanged.pascal.json",
            "events/eventgrid/RunStatusChanged.upper-topic.json" })
    void runStatusChanged(String fixture) throws Exception {
        MlEvent.RunStatusChanged e = (MlEvent.RunStatusChanged) single(fixture, BodyFormat.JSON);
        assertThat(e.runStatus()).isEqualTo("Failed");
        assertThat(e.experimentName()).isEqualTo("fraud-automl-sweep");
        assertThat(e.envelope().workspace().sameAs(new Workspace("5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48",
                "rg-mlops-prod", "mlw-fraud-weu"))).isTrue();
        assertThat(e.studioUrl()).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = { "events/cloudevents/ModelRegistered.json", "events/cloudevents/ModelRegistered.pascal.json" })
    void modelVersionAsStringOrNumber(String fixture) throws Exception {
        MlEvent.ModelRegistered e = (MlEvent.ModelRegistered) single(fixture, BodyFormat.CLOUDEVENT);
        assertThat(e.modelName()).isEqualTo("fraud-gbm");
        assertThat(e.modelVersion()).isEqualTo("14");
        assertThat(e.modelTags()).containsEntry("stage", "candidate");
    }

    @ParameterizedTest
    @ValueSource(strings = { "events/cloudevents/ModelDeployed.json", "events/eventgrid/ModelDeployed.pascal.json" })
    void modelDeployedSplitsModelIds(String fixture) throws Exception {
        MlEvent.ModelDeployed e = (MlEvent.ModelDeployed) single(fixture, BodyFormat.JSON);
        assertThat(e.serviceName()).isEqualTo("fraud-scorer-aks");
        assertThat(e.serviceComputeType()).isEqualTo("AKS");
        assertThat(e.modelIds()).containsExactly("fraud-gbm:14", "fraud-calibrator:3");
        assertThat(e.serviceTags()).containsEntry("owner", "risk-ml");
    }

    @ParameterizedTest
    @ValueSource(strings = { "events/cloudevents/DatasetDriftDetected.json", "events/eventgrid/DatasetDriftDetected.pascal.json",
            "events/eventgrid/DatasetDriftDetected.docs-subject.json" })
    void driftInBothSubjectFormsAndCasings(String fixture) throws Exception {
        MlEvent.DatasetDriftDetected e = (MlEvent.DatasetDriftDetected) single(fixture, BodyFormat.JSON);
        assertThat(e.dataDriftName()).isEqualTo("transactions-drift-monitor");
        assertThat(e.driftCoefficient()).isEqualTo(0.6281934407162297);
        assertThat(e.runId()).isEqualTo("c5e8a1d3-7f2b-4a96-b0e4-3d1c9f8a6b27_1741940812345");
        assertThat(e.startTime()).isEqualTo("2025-03-07T00:00:00+00:00");
    }

    @Test
    void unknownTypesAreKept() throws Exception {
        MlEvent e = single("events/eventgrid/Unknown.json", BodyFormat.JSON);
        assertThat(e).isInstanceOf(MlEvent.Unknown.class);
        assertThat(e.type()).isEqualTo("Microsoft.Storage.BlobCreated");
        assertThat(e.envelope().workspace()).isNull();
        assertThat(e.raw().path("data").path("unknownField").path("nested")).hasSize(3);
    }

    @Test
    void cloudEventsBatchUnderEitherMediaType() throws Exception {
        assertThat(decoder.decode(TestData.bytes("events/cloudevents/batch.json"), BodyFormat.CLOUDEVENT)).hasSize(3);
        assertThat(decoder.decode(TestData.bytes("events/cloudevents/batch.json"), BodyFormat.CLOUDEVENT_BATCH)).hasSize(3);
    }

    @Test
    void validationEventsInBothSchemas() throws Exception {
        Inbound eg = decoder.decode(TestData.bytes("events/system/validation.json"), BodyFormat.JSON).get(0);
        assertThat(eg).isEqualTo(new Inbound.SubscriptionValidation("b8e2f7c1-04a9-4d6e-8c35-71f0a2d9e6b4",
                "3f9c1e7a-82d4-4b60-a5e1-c07b94d2f813",
                "https://rp-westeurope.eventgrid.azure.net:553/eventsubscriptions/aml-actions/validate?id="
                        + "3f9c1e7a-82d4-4b60-a5e1-c07b94d2f813&t=2025-03-14T05:40:11.0273315Z&apiVersion="
                        + "2018-05-01-preview&token=REDACTED"));
        Inbound ce = decoder.decode(TestData.bytes("events/system/validation.cloudevents-encoded.json"), BodyFormat.CLOUDEVENT)
                .get(0);
        assertThat(((Inbound.SubscriptionValidation) ce).validationCode()).isEqualTo("9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d");
    }

    @Test
    void deletionNotice() throws Exception {
        Inbound d = decoder.decode(TestData.bytes("events/system/deletion.json"), BodyFormat.JSON).get(0);
        assertThat(((Inbound.SubscriptionDeletion) d).eventSubscriptionId()).endsWith("/eventSubscriptions/aml-actions");
    }

    @Test
    void identicalDuplicatesInOneBatchAreKeptOnce() throws Exception {
        String one = TestData.text("events/cloudevents/RunCompleted.json");
        assertThat(decoder.decode(("[" + one + "," + one + "]").getBytes(StandardCharsets.UTF_8), BodyFormat.JSON))
                .hasSize(1);
    }

    @Test
    void everyDefectOfABatchIsNamedWithItsIndex() {
        String body = "[{\"id\":\"a\",\"eventType\":\"T\"},{\"eventType\":\"T\"},{\"id\":5,\"eventType\":\"T\"},"
                + "{\"id\":\"b\"},{\"specversion\":\"1.0\",\"id\":\"c\"},7]";
        assertThatThrownBy(() -> decoder.decode(body.getBytes(StandardCharsets.UTF_8), BodyFormat.JSON))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> assertThat(e.defects()).containsExactly(
                        new Defect("[1].id", "missing"),
                        new Defect("[2].id", "must be a string, got a number"),
                        new Defect("[3].eventType", "missing"),
                        new Defect("[4].type", "missing"),
                        new Defect("[5]", "expected an event object, got a number")));
    }

    @Test
    void sameIdWithDifferentContentIsRejected() {
        String body = "[{\"id\":\"a\",\"eventType\":\"T\",\"subject\":\"x\"},{\"id\":\"a\",\"eventType\":\"T\",\"subject\":\"y\"}]";
        assertThatThrownBy(() -> decoder.decode(body.getBytes(StandardCharsets.UTF_8), BodyFormat.JSON))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> assertThat(e.defects()).containsExactly(
                        new Defect("[1].id", "id \"a\" also names event [0] with different content")));
    }

    @Test
    void workspaceParsingIgnoresCaseAndRejectsOtherResources() {
        assertThat(Workspace.fromArmId("/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.MACHINELEARNINGSERVICES/WORKSPACES/W"))
                .contains(new Workspace("S1", "RG", "W"));
        assertThat(Workspace.fromArmId("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x"))
                .isEmpty();
        assertThat(new Workspace("S1", "RG", "W").sameAs(new Workspace("s1", "rg", "w"))).isTrue();
    }

    @Test
    void contentTypes() {
        assertThat(BodyFormat.fromContentType("application/json; charset=utf-8")).contains(BodyFormat.JSON);
        assertThat(BodyFormat.fromContentType("application/cloudevents+json; charset=UTF-8")).contains(BodyFormat.CLOUDEVENT);
        assertThat(BodyFormat.fromContentType("application/cloudevents-batch+json")).contains(BodyFormat.CLOUDEVENT_BATCH);
        assertThat(BodyFormat.fromContentType(null)).contains(BodyFormat.JSON);
        assertThat(BodyFormat.fromContentType("text/plain")).isEmpty();
        assertThat(BodyFormat.fromContentType("application/json; charset=iso-8859-1")).isEmpty();
    }
}
