package io.amlrouter.actions.azureml;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.actions.http.CallResult;
import io.amlrouter.actions.http.GuardedHttp;
import io.amlrouter.actions.http.HttpReply;
import io.amlrouter.actions.http.Outbound;
import io.amlrouter.actions.http.RestClients;
import io.amlrouter.azure.AzureCredentials;
import io.amlrouter.events.Workspace;
import io.smallrye.mutiny.Uni;

/**
 * Azure Resource Manager for the actions: every call carries a fresh-enough ARM token (cached by
 * {@link AzureCredentials}), a pinned api-version, and {@link Outbound}'s timeout, retries and the
 * {@code arm} circuit breaker. Answers come back sorted ({@link CallResult}); {@link ArmError} reads
 * ARM's error code and message from rejected ones.
 */
@ApplicationScoped
public class ArmClient {

    /**
     * Azure Machine Learning (Microsoft.MachineLearningServices) REST api-version: the newest stable
     * version in azure-rest-api-specs (jobs, online endpoints and deployments).
     */
    public static final String AML_API_VERSION = "2025-09-01";
    /** Azure Data Factory REST api-version (the only stable one). */
    public static final String ADF_API_VERSION = "2018-06-01";

    static final String TARGET = "arm";

    private final AzureCredentials credentials;
    private final ArmApi api;
    private final GuardedHttp outbound;
    private final Outbound calls;

    public ArmClient(AzureCredentials credentials, RestClients clients, Outbound calls, GuardedHttp outbound) {
        this.credentials = credentials;
        this.api = clients.build(ArmApi.class, credentials.armEndpoint());
        this.outbound = outbound;
        this.calls = calls;
    }

    /** Jobs - Create Or Update. {@code exists} settles answers that say the job already exists. */
    public Uni<CallResult> putJob(Workspace ws, String job, JsonNode body, String context, Predicate<HttpReply> exists) {
        return calls.call(TARGET, context, authorized(token -> api.putJob(ws.subscriptionId(), ws.resourceGroup(),
                ws.name(), job, AML_API_VERSION, token, body.toString())), exists);
    }

    /** Jobs - Get. */
    public Uni<CallResult> getJob(Workspace ws, String job, String context) {
        return calls.call(TARGET, context, authorized(token -> api.getJob(ws.subscriptionId(), ws.resourceGroup(),
                ws.name(), job, AML_API_VERSION, token)));
    }

    /** Online Endpoints - Get. */
    public Uni<CallResult> getEndpoint(Workspace ws, String endpoint, String context) {
        return calls.call(TARGET, context, authorized(token -> api.getEndpoint(ws.subscriptionId(),
                ws.resourceGroup(), ws.name(), endpoint, AML_API_VERSION, token)));
    }

    /**
     * Online Endpoints - Create Or Update: a long-running operation ({@code Azure-AsyncOperation}, final state
     * via the original URI), followed by the {@link DeploymentWatcher}.
     */
    public Uni<CallResult> putEndpoint(Workspace ws, String endpoint, JsonNode body, String context) {
        return calls.call(TARGET, context, authorized(token -> api.putEndpoint(ws.subscriptionId(),
                ws.resourceGroup(), ws.name(), endpoint, AML_API_VERSION, token, body.toString())));
    }

    /** Online Deployments - Create Or Update (a long-running operation: see {@code Azure-AsyncOperation}). */
    public Uni<CallResult> putDeployment(Workspace ws, String endpoint, String deployment, JsonNode body,
            String context) {
        return calls.call(TARGET, context, authorized(token -> api.putDeployment(ws.subscriptionId(),
                ws.resourceGroup(), ws.name(), endpoint, deployment, AML_API_VERSION, token, body.toString())));
    }

    /** The URL of an online deployment (for polling its provisioning state). */
    public String deploymentUrl(Workspace ws, String endpoint, String deployment) {
        return credentials.armEndpoint() + ws.armId() + "/onlineEndpoints/" + endpoint + "/deployments/" + deployment
                + "?api-version=" + AML_API_VERSION;
    }

    /** The URL of an online endpoint (for polling its provisioning state). */
    public String endpointUrl(Workspace ws, String endpoint) {
        return credentials.armEndpoint() + ws.armId() + "/onlineEndpoints/" + endpoint + "?api-version="
                + AML_API_VERSION;
    }

    /** Pipelines - Create Run of Data Factory. {@code factoryId} is the factory's canonical ARM id. */
    public Uni<CallResult> createAdfRun(String factoryId, String pipeline, JsonNode parameters, String context) {
        String[] p = factoryId.split("/");
        return calls.call(TARGET, context, authorized(token -> api.createRun(p[2], p[4], p[8], pipeline,
                ADF_API_VERSION, token, parameters.toString())));
    }

    /**
     * GETs a URL ARM handed out (an operation status). Only URLs on ARM's own origin are called: the
     * token is never sent anywhere else.
     */
    public Uni<CallResult> get(String url, String context) {
        if (!onArm(url)) {
            return Uni.createFrom().failure(new IllegalArgumentException("not an ARM URL: " + url));
        }
        return calls.call(TARGET, context, authorized(token -> api.get(url, token)));
    }

    /** Whether a URL is on ARM's origin (scheme, host and port of azure.arm-endpoint). */
    public boolean onArm(String url) {
        try {
            URI u = URI.create(url);
            URI arm = credentials.armEndpoint();
            return u.getScheme() != null && u.getScheme().equalsIgnoreCase(arm.getScheme()) && u.getHost() != null
                    && u.getHost().toLowerCase(Locale.ROOT).equals(arm.getHost().toLowerCase(Locale.ROOT))
                    && port(u) == port(arm) && u.getRawUserInfo() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * POSTs JSON to a URL of the rules file with an ARM-scoped bearer token (v1 pipeline endpoints), with
     * a circuit breaker per origin, through {@link GuardedHttp} (the SSRF guard at connect time).
     */
    public Uni<CallResult> postWithArmToken(URI url, JsonNode body, String context) {
        String target = "pipeline-endpoint " + url.getScheme() + "://" + url.getHost() + ":" + port(url);
        return calls.call(target, context, () -> credentials.armToken()
                .onFailure().transform(TokenUnavailable::new)
                .chain(token -> outbound.post(url, Map.of("Authorization", "Bearer " + token, "Accept",
                        "application/json"), body.toString()).map(reply -> reply.redacting(List.of(token)))));
    }

    private java.util.function.Supplier<Uni<HttpReply>> authorized(
            Function<String, Uni<RestResponse<String>>> request) {
        return () -> credentials.armToken()
                .onFailure().transform(TokenUnavailable::new)
                .chain(token -> request.apply("Bearer " + token)
                        .map(response -> HttpReply.of(response).redacting(List.of(token))));
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("http") ? 80 : 443;
    }

    /** No ARM token could be had (no identity configured, Entra unreachable, secret wrong). Transient. */
    public static final class TokenUnavailable extends RuntimeException {
        TokenUnavailable(Throwable cause) {
            super("cannot get an ARM token: " + firstLine(cause), null, false, false);
        }

        private static String firstLine(Throwable t) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            int nl = m.indexOf('\n');
            m = nl < 0 ? m : m.substring(0, nl);
            return m.length() > 300 ? m.substring(0, 300) + "..." : m;
        }
    }
}
