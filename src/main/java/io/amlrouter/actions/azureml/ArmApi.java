package io.amlrouter.actions.azureml;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.rest.client.reactive.Url;
import io.smallrye.mutiny.Uni;

/**
 * The Azure Resource Manager calls the actions make. Base URL: {@code azure.arm-endpoint}; built by
 * {@link ArmClient}, which adds the token, the api-version and the retry discipline. Path parameters
 * are encoded by the client, so a value can never add path segments.
 */
@RegisterRestClient(configKey = "arm")
@Produces(MediaType.APPLICATION_JSON)
public interface ArmApi {

    String WORKSPACE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}"
            + "/providers/Microsoft.MachineLearningServices/workspaces/{workspace}";

    @PUT
    @Path(WORKSPACE + "/jobs/{job}")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<RestResponse<String>> putJob(@PathParam("subscriptionId") String subscriptionId,
            @PathParam("resourceGroup") String resourceGroup, @PathParam("workspace") String workspace,
            @PathParam("job") String job, @QueryParam("api-version") String apiVersion,
            @HeaderParam("Authorization") String authorization, String body);

    @GET
    @Path(WORKSPACE + "/jobs/{job}")
    Uni<RestResponse<String>> getJob(@PathParam("subscriptionId") String subscriptionId,
            @PathParam("resourceGroup") String resourceGroup, @PathParam("workspace") String workspace,
            @PathParam("job") String job, @QueryParam("api-version") String apiVersion,
            @HeaderParam("Authorization") String authorization);

    @GET
    @Path(WORKSPACE + "/onlineEndpoints/{endpoint}")
    Uni<RestResponse<String>> getEndpoint(@PathParam("subscriptionId") String subscriptionId,
            @PathParam("resourceGroup") String resourceGroup, @PathParam("workspace") String workspace,
            @PathParam("endpoint") String endpoint, @QueryParam("api-version") String apiVersion,
            @HeaderParam("Authorization") String authorization);

    @PUT
    @Path(WORKSPACE + "/onlineEndpoints/{endpoint}")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<RestResponse<String>> putEndpoint(@PathParam("subscriptionId") String subscriptionId,
            @PathParam("resourceGroup") String resourceGroup, @PathParam("workspace") String workspace,
            @PathParam("endpoint") String endpoint, @QueryParam("api-version") String apiVersion,
            @HeaderParam("Authorization") String authorization, String body);

    @PUT
    @Path(WORKSPACE + "/onlineEndpoints/{endpoint}/deployments/{deployment}")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<RestResponse<String>> putDeployment(@PathParam("subscriptionId") String subscriptionId,
            @PathParam("resourceGroup") String resourceGroup, @PathParam("workspace") String workspace,
            @PathParam("endpoint") String endpoint, @PathParam("deployment") String deployment,
            @QueryParam("api-version") String apiVersion, @HeaderParam("Authorization") String authorization,
            String body);

    @POST
    @Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DataFactory"
            + "/factories/{factory}/pipelines/{pipeline}/createRun")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<RestResponse<String>> createRun(@PathParam("subscriptionId") String subscriptionId,
            @PathParam("resourceGroup") String resourceGroup, @PathParam("factory") String factory,
            @PathParam("pipeline") String pipeline, @QueryParam("api-version") String apiVersion,
            @HeaderParam("Authorization") String authorization, String parameters);

    /** A URL ARM handed out (an {@code Azure-AsyncOperation} or resource URL); it carries its api-version. */
    @GET
    Uni<RestResponse<String>> get(@Url String url, @HeaderParam("Authorization") String authorization);
}
