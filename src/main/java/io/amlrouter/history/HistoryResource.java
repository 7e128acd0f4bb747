package io.amlrouter.history;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.amlrouter.http.Problem;
import io.amlrouter.http.Problems;
import io.amlrouter.ledger.HistoryQuery;
import io.amlrouter.ledger.LedgerConfig;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.security.AdminOnly;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * The bounded history of what the service did ({@code GET /events/recent}, {@code GET /events/{id}}), its search
 * ({@code GET /events?type=...&runId=...&outcome=...})
 * and the replay of dead letters ({@code POST /events/{id}/replay}). Admin only; the ingest endpoint
 * {@code POST /events} shares the path prefix but not this class, so it keeps its own authentication.
 */
@Path("/events")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class HistoryResource {

    /** {@code GET /events/recent}: newest first, without the raw events. */
    @RegisterForReflection
    public record Recent(int limit, List<EventView> events) {
    }

    /**
     * {@code GET /events}: one page of a search, newest first, without the raw events.
     *
     * @param next the {@code cursor} of the next page; absent when nothing older is left to read
     * @param scanned how many events were read for this page (at most {@code ledger.history.scan-limit})
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Search(int limit, List<EventView> events, String next, int scanned) {
    }

    /** {@code POST /events/{id}/replay}. */
    @RegisterForReflection
    public record ReplayView(int reopened, String result, String detail, EventView event) {
    }

    private final OutcomeLedger ledger;
    private final Replayer replayer;
    private final LedgerConfig.History config;

    public HistoryResource(OutcomeLedger ledger, Replayer replayer, LedgerConfig config) {
        this.ledger = ledger;
        this.replayer = replayer;
        this.config = config.history();
    }

    @GET
    public Uni<Response> search(@Context UriInfo uri) {
        SearchParameters.Read read = SearchParameters.read(uri.getQueryParameters(), config.defaultLimit(),
                config.maxLimit(), config.scanLimit());
        if (read instanceof SearchParameters.Invalid invalid) {
            return Uni.createFrom().item(Problems.response(invalid.problem()));
        }
        HistoryQuery query = ((SearchParameters.Valid) read).query();
        return ledger.search(query).map(page -> Response.ok(new Search(query.limit(),
                page.events().stream().map(h -> EventView.of(h, false)).toList(),
                page.next() == null ? null : page.next().token(), page.scanned())).build());
    }

    @GET
    @Path("recent")
    public Uni<Response> recent(@QueryParam("limit") String limitParam) {
        int limit;
        try {
            limit = limitParam == null || limitParam.isBlank() ? config.defaultLimit() : Integer.parseInt(limitParam.trim());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > config.maxLimit()) {
            return Uni.createFrom().item(Problems.response(Problem.of(400, "invalid-limit", "Invalid limit",
                    "limit must be a whole number from 1 to " + config.maxLimit() + " (ledger.history.max-limit); got "
                            + limitParam)
                    .withErrors(List.of(new Problem.FieldError("limit", "not in 1.." + config.maxLimit())))));
        }
        int n = limit;
        return ledger.recent(n).map(events -> Response.ok(new Recent(n,
                events.stream().map(h -> EventView.of(h, false)).toList())).build());
    }

    @GET
    @Path("{id}")
    public Uni<Response> event(@PathParam("id") String id) {
        return ledger.event(id).map(found -> found.map(h -> Response.ok(EventView.of(h, true)).build())
                .orElseGet(() -> unknown(id)));
    }

    @POST
    @Path("{id}/replay")
    public Uni<Response> replay(@PathParam("id") String id) {
        return replayer.replay(id).map(result -> {
            if (result instanceof Replayer.Replayed r) {
                return Response.ok(new ReplayView(r.reopened(), r.result(), r.detail(), EventView.of(r.history(), false)))
                        .build();
            }
            if (result instanceof Replayer.NotReplayable n) {
                return Problems.response(Problem.of(409, "not-replayable", "Event cannot be replayed", n.reason()));
            }
            if (result instanceof Replayer.Overloaded) {
                return Problems.response(Problem.of(503, "overloaded", "Too many events in flight",
                        "This replica is at its limit of events in flight; replay again later.").withRetryAfter(30));
            }
            return unknown(id);
        });
    }

    private static Response unknown(String id) {
        return Problems.response(Problem.of(404, "unknown-event", "Unknown event", "No event with id " + id
                + " is in the history (never received here, or older than ledger.retention)."));
    }
}
