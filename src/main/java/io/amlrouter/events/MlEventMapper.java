package io.amlrouter.events;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Maps an envelope to its typed {@link MlEvent} view. Pure and lenient: missing fields become null,
 * data keys match in any case, {@code modelVersion} may be a string or a number.
 */
public final class MlEventMapper {

    private final String studioBaseUrl;

    /** @param studioBaseUrl e.g. {@code https://ml.azure.com} ({@code ml.azure.cn}, {@code ml.azure.us} elsewhere) */
    public MlEventMapper(String studioBaseUrl) {
        this.studioBaseUrl = studioBaseUrl.endsWith("/") ? studioBaseUrl.substring(0, studioBaseUrl.length() - 1)
                : studioBaseUrl;
    }

    public MlEvent map(EventEnvelope env) {
        JsonNode data = env.data();
        String type = env.type() == null ? "" : env.type();
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "microsoft.machinelearningservices.runcompleted" -> {
                String runId = runId(env, data);
                yield new MlEvent.RunCompleted(env, Json.text(data, "experimentId"),
                        Json.text(data, "experimentName"), runId, Json.text(data, "runType"),
                        Json.stringMap(data, "runTags"), Json.stringMap(data, "runProperties"), studio(env, runId));
            }
            case "microsoft.machinelearningservices.runstatuschanged" -> {
                String runId = runId(env, data);
                yield new MlEvent.RunStatusChanged(env, Json.text(data, "experimentId"),
                        Json.text(data, "experimentName"), runId, Json.text(data, "runType"),
                        Json.text(data, "runStatus"), Json.stringMap(data, "runTags"),
                        Json.stringMap(data, "runProperties"), studio(env, runId));
            }
            case "microsoft.machinelearningservices.modelregistered" -> new MlEvent.ModelRegistered(env,
                    Json.text(data, "modelName"), Json.text(data, "modelVersion"), Json.stringMap(data, "modelTags"),
                    Json.stringMap(data, "modelProperties"));
            case "microsoft.machinelearningservices.modeldeployed" -> new MlEvent.ModelDeployed(env,
                    Json.text(data, "serviceName"), Json.text(data, "serviceComputeType"),
                    splitModelIds(Json.text(data, "modelIds")), Json.stringMap(data, "serviceTags"),
                    Json.stringMap(data, "serviceProperties"));
            case "microsoft.machinelearningservices.datasetdriftdetected" -> {
                String runId = Json.text(data, "runId");
                yield new MlEvent.DatasetDriftDetected(env, Json.text(data, "dataDriftId"),
                        Json.text(data, "dataDriftName"), runId, Json.text(data, "baseDatasetId"),
                        Json.text(data, "targetDatasetId"), Json.number(data, "driftCoefficient"),
                        Json.text(data, "startTime"), Json.text(data, "endTime"), studio(env, runId));
            }
            case "amleventrouter.deploymentsucceeded", "amleventrouter.deploymentfailed" ->
                new MlEvent.DeploymentOutcome(env, type.equalsIgnoreCase(EventTypes.DEPLOYMENT_SUCCEEDED),
                        Json.text(data, "endpoint"), Json.text(data, "deployment"), Json.text(data, "model"),
                        Json.text(data, "status"), Json.text(data, "errorCode"), Json.text(data, "errorMessage"),
                        Json.text(data, "operationUrl"), chainDepth(Json.number(data, "chainDepth")));
            default -> new MlEvent.Unknown(env);
        };
    }

    /** The run id from data, else the last segment of an {@code experiments/{e}/runs/{r}} subject. */
    private static String runId(EventEnvelope env, JsonNode data) {
        String runId = Json.text(data, "runId");
        if (runId != null || env.subject() == null) {
            return runId;
        }
        String[] parts = env.subject().split("/");
        return parts.length == 4 && parts[2].equalsIgnoreCase("runs") ? parts[3] : null;
    }

    private String studio(EventEnvelope env, String runId) {
        if (runId == null || runId.isBlank() || env.workspace() == null) {
            return null;
        }
        return studioBaseUrl + "/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8) + "?wsid="
                + env.workspace().studioWsid();
    }

    /** At least 1: an outcome without it (published before it existed) ends a chain of one. */
    private static int chainDepth(Double value) {
        return value == null || value.isNaN() ? 1 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, value));
    }

    private static List<String> splitModelIds(String modelIds) {
        if (modelIds == null || modelIds.isBlank()) {
            return List.of();
        }
        return Arrays.stream(modelIds.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
