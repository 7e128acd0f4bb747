package io.amlrouter.actions.http;

import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.rest.client.reactive.Url;
import io.smallrye.mutiny.Uni;

/** POSTs JSON to a URL from the rules file (webhooks, v1 pipeline endpoints). Built by {@link RestClients}. */
@RegisterRestClient(configKey = "outbound")
public interface OutboundApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<RestResponse<String>> post(@Url String url, @RestHeader Map<String, String> headers, String body);
}
