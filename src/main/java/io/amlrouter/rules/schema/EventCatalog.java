package io.amlrouter.rules.schema;

import static io.amlrouter.rules.schema.DataField.of;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.amlrouter.events.EventTypes;
import io.amlrouter.rules.schema.DataField.Shape;

/**
 * The event types a rule can receive, as far as the lint knows them: the five Azure Machine Learning types Event Grid
 * delivers and the two this service publishes itself. Each type's {@code data} is closed (every documented member is
 * listed; tags and properties are free-form maps).
 *
 * <p>
 * Sources (summarised in docs/rules.md, "What lint checks"):
 * <ul>
 * <li>types, data members, their casings and JSON types: the Event Grid page "Azure Machine Learning as an Event Grid
 * source" (https://learn.microsoft.com/azure/event-grid/event-schema-machine-learning, PascalCase names for the model
 * and drift events, {@code ModelVersion: 20}), the TypeSpec of the system events
 * (Azure/azure-rest-api-specs specification/eventgrid/data-plane/EventGridSystemEvents/Microsoft.MachineLearningServices,
 * camelCase, {@code modelVersion: string}, {@code driftCoefficient: float64}, {@code startTime}/{@code endTime}:
 * nullable date-times, tags and properties {@code Record<unknown>}), the 2018-01-01/2019-11-01 swagger
 * ({@code modelVersion: integer}) and the payloads captured in the SDKs' tests;
 * <li>subjects: the same page and the Azure ML how-to "Trigger applications, processes, or CI/CD workflows based on
 * Azure Machine Learning events" (https://learn.microsoft.com/azure/machine-learning/how-to-use-event-grid); for
 * drift the page says {@code datadrifts/{id}/runs/{runId}}, the how-to and captured payloads
 * {@code datadrift/{id}/run/{runId}}: both are accepted;
 * <li>{@code runStatus} values: the job statuses of the Azure ML REST API ({@code JobStatus}: KnownJobStatus of the
 * JavaScript package arm-machinelearning, JobStatus of azure-resourcemanager-machinelearning); the docs page shows them in
 * either case ({@code failed}, {@code Running}), and String operators compare ignoring case;
 * <li>this service's own types: {@code DeploymentOutcomeEvents} and {@code DeploymentWatcher} (docs/actions.md,
 * "The outcome event").
 * </ul>
 */
public final class EventCatalog {

    /** The namespace of Azure Machine Learning's event types. */
    public static final String AZURE_ML_PREFIX = "Microsoft.MachineLearningServices.";
    /** The namespace of the types this service publishes; no event from outside may claim it. */
    public static final String ROUTER_PREFIX = "AmlEventRouter.";

    /** Azure ML job statuses (REST API {@code JobStatus}). */
    public static final List<String> RUN_STATUSES = List.of("NotStarted", "Starting", "Provisioning", "Preparing",
            "Queued", "Running", "Finalizing", "CancelRequested", "Completed", "Failed", "Canceled", "NotResponding",
            "Paused", "Unknown");

    private static final List<DataField> RUN = List.of(of("experimentId", FieldType.STRING),
            of("experimentName", FieldType.STRING), of("runId", FieldType.STRING), of("runType", FieldType.STRING),
            of("runTags", FieldType.MAP), of("runProperties", FieldType.MAP));

    private static final String RUN_SUBJECT = "experiments/{experimentId}/runs/{runId}";

    private static final String OUTCOME_SUBJECT = "onlineEndpoints/{endpoint}/deployments/{deployment}";

    private static final List<EventTypeSchema> TYPES = List.of(
            new EventTypeSchema(EventTypes.RUN_COMPLETED, RUN, List.of(RUN_SUBJECT)),
            new EventTypeSchema(EventTypes.RUN_STATUS_CHANGED, concat(RUN,
                    of("runStatus", FieldType.STRING).values(RUN_STATUSES.toArray(String[]::new))), List.of(RUN_SUBJECT)),
            new EventTypeSchema(EventTypes.MODEL_REGISTERED, List.of(
                    of("modelName", FieldType.STRING).docs("ModelName"),
                    of("modelVersion", FieldType.STRING_OR_NUMBER).docs("ModelVersion").shape(Shape.WHOLE_NUMBER),
                    of("modelTags", FieldType.MAP).docs("ModelTags"),
                    of("modelProperties", FieldType.MAP).docs("ModelProperties")),
                    List.of("models/{modelName}:{modelVersion}")),
            new EventTypeSchema(EventTypes.MODEL_DEPLOYED, List.of(
                    of("serviceName", FieldType.STRING).docs("ServiceName"),
                    of("serviceComputeType", FieldType.STRING).docs("ServiceComputeType"),
                    of("modelIds", FieldType.STRING).docs("ModelIds"),
                    of("serviceTags", FieldType.MAP).docs("ServiceTags"),
                    of("serviceProperties", FieldType.MAP).docs("ServiceProperties")),
                    List.of("endpoints/{serviceName}")),
            new EventTypeSchema(EventTypes.DATASET_DRIFT_DETECTED, List.of(
                    of("dataDriftId", FieldType.STRING).docs("DataDriftId"),
                    of("dataDriftName", FieldType.STRING).docs("DataDriftName"),
                    of("runId", FieldType.STRING).docs("RunId"),
                    of("baseDatasetId", FieldType.STRING).docs("BaseDatasetId"),
                    of("targetDatasetId", FieldType.STRING).docs("TargetDatasetId"),
                    of("driftCoefficient", FieldType.NUMBER).docs("DriftCoefficient"),
                    of("startTime", FieldType.DATE_TIME).docs("StartTime"),
                    of("endTime", FieldType.DATE_TIME).docs("EndTime")),
                    List.of("datadrift/{dataDriftId}/run/{runId}", "datadrifts/{dataDriftId}/runs/{runId}")),
            new EventTypeSchema(EventTypes.DEPLOYMENT_SUCCEEDED, outcome("Succeeded"), List.of(OUTCOME_SUBJECT)),
            new EventTypeSchema(EventTypes.DEPLOYMENT_FAILED,
                    outcome("Failed", "Canceled", "TrafficUpdateFailed", "WatchTimedOut", "Unknown"),
                    List.of(OUTCOME_SUBJECT)));

    private EventCatalog() {
    }

    /** Every type the lint knows, Azure ML's first. */
    public static List<EventTypeSchema> types() {
        return TYPES;
    }

    /** The type of this name, ignoring case (as Event Grid compares event types). */
    public static Optional<EventTypeSchema> find(String name) {
        return TYPES.stream().filter(t -> t.name().equalsIgnoreCase(name)).findFirst();
    }

    /** Whether {@code name} is in the namespace {@code prefix}, ignoring case. */
    static boolean inNamespace(String name, String prefix) {
        return name.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT));
    }

    /** The data of a deployment outcome, in the order DeploymentOutcomeEvents writes it. */
    private static List<DataField> outcome(String... statuses) {
        return List.of(of("endpoint", FieldType.STRING).shape(Shape.ONLINE_NAME),
                of("deployment", FieldType.STRING).shape(Shape.ONLINE_NAME), of("model", FieldType.STRING),
                of("status", FieldType.STRING).values(statuses), of("errorCode", FieldType.STRING),
                of("errorMessage", FieldType.STRING), of("operationUrl", FieldType.STRING),
                of("workspace", FieldType.STRING), of("sourceEventId", FieldType.STRING), of("rule", FieldType.STRING),
                of("chainDepth", FieldType.NUMBER).shape(Shape.WHOLE_NUMBER));
    }

    private static List<DataField> concat(List<DataField> a, DataField b) {
        List<DataField> out = new java.util.ArrayList<>(a);
        out.add(b);
        return out;
    }
}
