package io.amlrouter.events;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A typed view of an Azure ML lifecycle event (or one of our synthetic deployment outcomes). Every
 * variant keeps its {@link EventEnvelope}, which holds the raw JSON the rules filter on. Unknown event
 * types are kept as {@link Unknown}: they are not an error, and rules may still match them.
 */
public sealed interface MlEvent {

    EventEnvelope envelope();

    default String id() {
        return envelope().id();
    }

    default String type() {
        return envelope().type();
    }

    default String subject() {
        return envelope().subject();
    }

    default ObjectNode raw() {
        return envelope().raw();
    }

    /** The event's JSON text (see {@link EventEnvelope#rawJson()}). */
    default String rawJson() {
        return envelope().rawJson();
    }

    /** The run this event is about, for the variants that name one. */
    default Optional<String> relatedRunId() {
        if (this instanceof RunCompleted r) {
            return Optional.ofNullable(r.runId());
        }
        if (this instanceof RunStatusChanged r) {
            return Optional.ofNullable(r.runId());
        }
        if (this instanceof DatasetDriftDetected d) {
            return Optional.ofNullable(d.runId());
        }
        return Optional.empty();
    }

    /** A link to the run in Azure ML studio, when the event names a run and a workspace. */
    default Optional<String> studioUrl() {
        if (this instanceof RunCompleted r) {
            return Optional.ofNullable(r.studioLink());
        }
        if (this instanceof RunStatusChanged r) {
            return Optional.ofNullable(r.studioLink());
        }
        if (this instanceof DatasetDriftDetected d) {
            return Optional.ofNullable(d.studioLink());
        }
        return Optional.empty();
    }

    /** A run finished successfully. */
    record RunCompleted(EventEnvelope envelope, String experimentId, String experimentName, String runId,
            String runType, Map<String, String> runTags, Map<String, String> runProperties, String studioLink)
            implements MlEvent {
    }

    /** A run's status changed (Failed, Canceled, Running, ...). */
    record RunStatusChanged(EventEnvelope envelope, String experimentId, String experimentName, String runId,
            String runType, String runStatus, Map<String, String> runTags, Map<String, String> runProperties,
            String studioLink) implements MlEvent {
    }

    /** A model version was registered. {@code modelVersion} arrives as string or number; kept as text. */
    record ModelRegistered(EventEnvelope envelope, String modelName, String modelVersion,
            Map<String, String> modelTags, Map<String, String> modelProperties) implements MlEvent {
    }

    /** Model(s) were deployed to a (v1) service. {@code modelIds} is the split {@code name:version} list. */
    record ModelDeployed(EventEnvelope envelope, String serviceName, String serviceComputeType, List<String> modelIds,
            Map<String, String> serviceTags, Map<String, String> serviceProperties) implements MlEvent {
    }

    /** A (v1) dataset drift monitor detected drift. */
    record DatasetDriftDetected(EventEnvelope envelope, String dataDriftId, String dataDriftName, String runId,
            String baseDatasetId, String targetDatasetId, Double driftCoefficient, String startTime, String endTime,
            String studioLink) implements MlEvent {
    }

    /**
     * Synthetic: the outcome of an online deployment this service started and watched (Azure ML raises
     * no event when a deployment fails). {@code chainDepth}: how many deployments rules started one from
     * the outcome of the other, this one included (1 when the data does not say).
     */
    record DeploymentOutcome(EventEnvelope envelope, boolean succeeded, String endpoint, String deployment,
            String model, String status, String errorCode, String errorMessage, String operationUrl,
            int chainDepth) implements MlEvent {
    }

    /** Any other event type: kept, not an error. */
    record Unknown(EventEnvelope envelope) implements MlEvent {
    }
}
