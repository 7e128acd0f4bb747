package io.amlrouter.routing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.Defect;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.Inbound;
import io.amlrouter.guard.Silences;
import io.amlrouter.http.Problem;
import io.amlrouter.http.Problems;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.diagnostics.Violation;
import io.amlrouter.rules.load.ReloadError;
import io.amlrouter.rules.load.RuleSetHolder;
import io.amlrouter.security.AdminOnly;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** The loaded rules ({@code GET /rules}) and the dry run ({@code POST /rules/evaluate}). Admin only. */
@Path("/rules")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class RulesResource {

    private final RuleSetHolder holder;
    private final EventDecoder decoder;
    private final Silences silences;

    public RulesResource(RuleSetHolder holder, EventDecoder decoder, Silences silences) {
        this.holder = holder;
        this.decoder = decoder;
        this.silences = silences;
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RulesView(String version, Instant loadedAt, String source, List<String> workspaces,
            List<RuleView> rules, List<String> warnings, ReloadError lastReloadError) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RuleView(String name, String description, JsonNode filter, List<JsonNode> actions) {
    }

    @GET
    public RulesView rules() {
        RuleSet set = holder.current();
        List<RuleView> rules = new ArrayList<>();
        for (Rule r : set.rules()) {
            rules.add(new RuleView(r.name(), r.description(), r.filterSource(), r.actionSources()));
        }
        return new RulesView(set.version(), set.loadedAt(), set.source(),
                set.workspaces().stream().map(w -> w.armId()).toList(), rules,
                set.warnings().stream().map(Violation::toString).toList(), holder.lastError().orElse(null));
    }

    @POST
    @Path("/evaluate")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> evaluate(byte[] body, @HeaderParam("Content-Type") String contentType) {
        Optional<BodyFormat> format = BodyFormat.fromContentType(contentType);
        if (format.isEmpty()) {
            return Uni.createFrom().item(Problems.response(Problem.of(400, "unsupported-media-type",
                    "Unsupported content type",
                    "Send one event as application/json or application/cloudevents+json (UTF-8).")));
        }
        List<Inbound> items;
        try {
            items = decoder.decode(body, format.get());
        } catch (EventDecodingException e) {
            return Uni.createFrom().item(Problems.response(Problem.of(400, "invalid-body", "Invalid event",
                    "The event cannot be read.").withErrors(e.defects().stream().map(RulesResource::fieldError).toList())));
        }
        if (items.size() != 1 || !(items.get(0) instanceof Inbound.Notification notification)) {
            return Uni.createFrom().item(Problems.response(Problem.of(400, "invalid-body", "Invalid event",
                    "The dry run takes exactly one event (not a validation or deletion event); got " + items.size() + ".")));
        }
        RuleSet set = holder.current();
        return silences.matching(notification.event(), Instant.now())
                .map(found -> Response.ok(DryRun.evaluate(set, notification.event(), found)).build())
                .onFailure().recoverWithItem(t -> Problems.response(Problem.of(503, "store-unavailable",
                        "Ledger store unavailable", "The silences are kept in the ledger store, which cannot be "
                                + "reached now; try again later.").withRetryAfter(5)));
    }

    private static Problem.FieldError fieldError(Defect d) {
        return new Problem.FieldError(d.field(), d.reason());
    }
}
