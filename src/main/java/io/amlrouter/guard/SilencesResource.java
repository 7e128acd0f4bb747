package io.amlrouter.guard;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.http.Problem;
import io.amlrouter.http.Problems;
import io.amlrouter.rules.guard.Silence;
import io.amlrouter.security.AdminOnly;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * Silences through the admin API: {@code POST /silences} creates one (201 with it and its {@code Location}),
 * {@code GET /silences} lists the pending and active ones ({@code ?expired=true}: also those ended less than
 * {@code ledger.retention} ago), {@code GET /silences/{id}} shows one, {@code DELETE /silences/{id}} expires one now.
 * Admin only. Those of the rules file are listed too, but are changed in the file.
 */
@Path("/silences")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class SilencesResource {

    private static final Logger LOG = Logger.getLogger(SilencesResource.class);

    /** One silence as the API shows it. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SilenceView(String id, String status, String origin, JsonNode filter, Instant startsAt,
            Instant endsAt, String comment, String createdBy, Instant createdAt) {

        static SilenceView of(Silence s, Instant now) {
            return new SilenceView(s.id(), s.status(now), s.origin(), s.filterSource(), s.startsAt(), s.endsAt(),
                    s.comment(), s.createdBy(), s.createdAt());
        }
    }

    /** {@code GET /silences}. */
    @RegisterForReflection
    public record SilenceList(List<SilenceView> silences) {
    }

    private final Silences silences;

    public SilencesResource(Silences silences) {
        this.silences = silences;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> create(byte[] body, @HeaderParam("Content-Type") String contentType) {
        if (BodyFormat.fromContentType(contentType).isEmpty()) {
            return item(Problem.of(400, "unsupported-media-type", "Unsupported content type",
                    "Send the silence as application/json (UTF-8)."));
        }
        JsonNode node;
        try {
            node = SilenceRequest.read(body);
        } catch (JsonProcessingException e) {
            return item(Problem.of(400, "invalid-body", "Invalid silence", "The body is not JSON: "
                    + e.getOriginalMessage()));
        } catch (IOException e) {
            return item(Problem.of(400, "invalid-body", "Invalid silence", "The body cannot be read."));
        }
        Instant now = Instant.now();
        SilenceRequest.Checked checked = SilenceRequest.check(node, now);
        if (checked instanceof SilenceRequest.Invalid invalid) {
            return item(Problem.of(400, "invalid-silence", "Invalid silence",
                    "The silence has " + invalid.errors().size() + " error(s); see errors.")
                    .withErrors(invalid.errors().stream().map(v -> new Problem.FieldError(v.path(), v.message()))
                            .toList()));
        }
        return silences.create(((SilenceRequest.Valid) checked).silence()).map(s -> {
            LOG.infof("Silence %s created by %s until %s: %s", s.id(), s.createdBy(), s.endsAt(), s.comment());
            return Response.created(URI.create("/silences/" + s.id())).entity(SilenceView.of(s, now)).build();
        }).onFailure(Silences.TooManySilences.class).recoverWithItem(t -> Problems.response(
                Problem.of(409, "too-many-silences", "Too many silences", t.getMessage())))
                .onFailure().recoverWithItem(SilencesResource::storeUnavailable);
    }

    @GET
    public Uni<Response> list(@QueryParam("expired") boolean expired) {
        Instant now = Instant.now();
        return silences.all().map(all -> Response.ok(new SilenceList(all.stream()
                .filter(s -> expired || !"expired".equals(s.status(now)))
                .sorted(Comparator.comparing(Silence::startsAt).thenComparing(Silence::id))
                .map(s -> SilenceView.of(s, now)).toList())).build())
                .onFailure().recoverWithItem(SilencesResource::storeUnavailable);
    }

    @GET
    @Path("{id}")
    public Uni<Response> one(@PathParam("id") String id) {
        Instant now = Instant.now();
        return silences.all().map(all -> all.stream().filter(s -> s.id().equals(id)).findFirst()
                .map(s -> Response.ok(SilenceView.of(s, now)).build()).orElseGet(() -> unknown(id)))
                .onFailure().recoverWithItem(SilencesResource::storeUnavailable);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> expire(@PathParam("id") String id) {
        if (silences.declaredInRulesFile(id)) {
            return item(Problem.of(409, "declared-in-rules-file", "Silence declared in the rules file",
                    "Silence " + id + " is declared in the rules file (silences:); remove it there."));
        }
        Instant now = Instant.now();
        return silences.expire(id, now).map(found -> found.map(s -> {
            LOG.infof("Silence %s expired through the API", s.id());
            return Response.ok(SilenceView.of(s, now)).build();
        }).orElseGet(() -> unknown(id))).onFailure().recoverWithItem(SilencesResource::storeUnavailable);
    }

    private static Uni<Response> item(Problem p) {
        return Uni.createFrom().item(Problems.response(p));
    }

    private static Response unknown(String id) {
        return Problems.response(Problem.of(404, "unknown-silence", "Unknown silence", "No silence with id " + id
                + " is held (never created, or ended longer than ledger.retention ago)."));
    }

    private static Response storeUnavailable(Throwable t) {
        LOG.warnf("Silences: the ledger store could not be reached: %s", t.getMessage());
        return Problems.response(Problem.of(503, "store-unavailable", "Ledger store unavailable",
                "The silences are kept in the ledger store, which cannot be reached now; try again later.")
                .withRetryAfter(5));
    }
}
