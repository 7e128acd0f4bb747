package io.amlrouter.console;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.EventTypes;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.MlEvent;
import io.amlrouter.history.Replayer;
import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.EventHistory;
import io.amlrouter.ledger.HistoryPage;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.routing.DryRun;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.action.RenderedAction;
import io.amlrouter.rules.load.RuleSetHolder;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * The console's event pages: the searchable events list ({@code GET /console}), one event
 * ({@code GET /console/events/{id}}) with its payload, each rule's verdict and every action's outcome, the replay of
 * its dead letters ({@code POST /console/events/{id}/replay}, as {@code POST /events/{id}/replay}) and the dead
 * letters ({@code GET /console/dead-letters}).
 */
@Path("/console")
public class EventsResource {

    private final ConsoleAccess access;
    private final Pages pages;
    private final EventSearch search;
    private final OutcomeLedger ledger;
    private final Replayer replayer;
    private final RuleSetHolder rules;
    private final EventDecoder decoder;
    private final Links links;
    private final ObjectMapper json;
    private final ConsoleConfig config;
    private final Template events;
    private final Template event;
    private final Template deadLetters;

    public EventsResource(ConsoleAccess access, Pages pages, EventSearch search, OutcomeLedger ledger,
            Replayer replayer, RuleSetHolder rules, EventDecoder decoder, Links links, ObjectMapper json,
            ConsoleConfig config, @Location("console/events.html") Template events,
            @Location("console/event.html") Template event, @Location("console/dead-letters.html") Template deadLetters) {
        this.access = access;
        this.pages = pages;
        this.search = search;
        this.ledger = ledger;
        this.replayer = replayer;
        this.rules = rules;
        this.decoder = decoder;
        this.links = links;
        this.json = json;
        this.config = config;
        this.events = events;
        this.event = event;
        this.deadLetters = deadLetters;
    }

    @GET
    public Uni<Response> list(@CookieParam(ConsoleSessions.COOKIE) String cookie, @Context UriInfo uri) {
        Optional<ConsoleSessions.Session> session = access.session(cookie);
        if (session.isEmpty()) {
            return Uni.createFrom().item(ConsoleAccess.toLogin());
        }
        ConsoleQuery q = ConsoleQuery.of(uri.getQueryParameters());
        int size = config.pageSize();
        Uni<HistoryPage> found = q.errors().isEmpty() ? search.search(q, size)
                : Uni.createFrom().item(new HistoryPage(List.of(), null, 0));
        return found.map(f -> {
            TemplateInstance page = pages.of(events, session.get(), "events").data("q", q)
                    .data("rows", f.events().stream().map(Views::row).toList())
                    .data("scanned", f.scanned())
                    .data("next", f.next() == null ? null : q.continuing(f.next()))
                    .data("newest", q.before() == null ? null : q.continuing(null))
                    .data("self", "/console" + q.continuing(q.cursor()))
                    .data("outcomes", ConsoleQuery.OUTCOMES.entrySet().stream().toList())
                    .data("types", EVENT_TYPES)
                    .data("ruleNames", rules.current().rules().stream().map(Rule::name).toList())
                    .data("refreshSeconds", Math.max(1, config.refreshInterval().toSeconds()))
                    .data("live", uri.getQueryParameters().containsKey("live"));
            return Pages.html(q.errors().isEmpty() ? 200 : 400, page);
        });
    }

    @GET
    @Path("events/{id}")
    public Uni<Response> detail(@CookieParam(ConsoleSessions.COOKIE) String cookie, @PathParam("id") String id) {
        Optional<ConsoleSessions.Session> session = access.session(cookie);
        if (session.isEmpty()) {
            return Uni.createFrom().item(ConsoleAccess.toLogin());
        }
        return detailPage(session.get(), id, null, null);
    }

    @POST
    @Path("events/{id}/replay")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> replay(@CookieParam(ConsoleSessions.COOKIE) String cookie, @PathParam("id") String id,
            @FormParam("csrf") String csrf) {
        Optional<ConsoleSessions.Session> session = access.session(cookie);
        if (session.isEmpty() || !access.csrfMatches(session.get(), csrf)) {
            return Uni.createFrom().item(pages.forbidden(session));
        }
        return replayer.replay(id).chain(result -> {
            if (result instanceof Replayer.Replayed r) {
                String notice = "Replayed: " + r.reopened() + " dead-lettered action(s) reopened; result: " + r.result()
                        + (r.detail() == null ? "" : " (" + r.detail() + ")");
                return detailPage(session.get(), id, notice, r.result());
            }
            if (result instanceof Replayer.NotReplayable n) {
                return Uni.createFrom().item(pages.message(409, "Cannot replay", "Event " + id + " cannot be replayed: "
                        + n.reason(), session));
            }
            if (result instanceof Replayer.Overloaded) {
                return Uni.createFrom().item(pages.message(503, "Too busy", "This replica is at its limit of events in "
                        + "flight; nothing was replayed. Try again in a minute.", session));
            }
            return Uni.createFrom().item(unknown(id, session));
        });
    }

    @GET
    @Path("dead-letters")
    public Uni<Response> deadLetters(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
        Optional<ConsoleSessions.Session> session = access.session(cookie);
        if (session.isEmpty()) {
            return Uni.createFrom().item(ConsoleAccess.toLogin());
        }
        ConsoleQuery q = ConsoleQuery.of(Map.of("outcome", List.of("dead-letter")));
        return search.search(q, DEAD_LETTER_EVENTS).map(found -> {
            List<Views.ActionRow> rows = new ArrayList<>();
            for (EventHistory h : found.events()) {
                for (ActionRecord a : h.actions()) {
                    if (a.state() == ActionState.FAILED) {
                        rows.add(Views.action(h.event(), a, List.of()));
                    }
                }
            }
            return Pages.ok(pages.of(deadLetters, session.get(), "dead-letters").data("rows", rows)
                    .data("more", found.next() != null).data("limit", DEAD_LETTER_EVENTS));
        });
    }

    /** Events with dead letters listed at most. */
    static final int DEAD_LETTER_EVENTS = 200;

    static final List<String> EVENT_TYPES = List.of(EventTypes.RUN_STATUS_CHANGED, EventTypes.RUN_COMPLETED,
            EventTypes.MODEL_REGISTERED, EventTypes.MODEL_DEPLOYED, EventTypes.DATASET_DRIFT_DETECTED,
            EventTypes.DEPLOYMENT_SUCCEEDED, EventTypes.DEPLOYMENT_FAILED);

    private Uni<Response> detailPage(ConsoleSessions.Session session, String id, String notice, String replayResult) {
        return ledger.event(id).map(found -> {
            if (found.isEmpty()) {
                return unknown(id, Optional.of(session));
            }
            EventHistory h = found.get();
            Optional<MlEvent> decoded = decode(h.event().raw());
            DryRun.Evaluation now = decoded.map(e -> DryRun.evaluate(rules.current(), e)).orElse(null);
            boolean recorded = !h.event().explanation().isEmpty();
            List<Views.ActionRow> actions = h.actions().stream()
                    .map(a -> Views.action(h.event(), a, links.forAction(rendered(now, a), a.externalId()))).toList();
            boolean replayable = h.actions().stream().anyMatch(a -> a.state() == ActionState.FAILED);
            TemplateInstance page = pages.of(event, session, "events").data("e", Views.row(h))
                    .data("topic", h.event().topic()).data("firstReceived", Views.time(h.event().firstReceivedAt()))
                    .data("deliveries", h.event().deliveries())
                    .data("links", decoded.map(links::forEvent).orElse(List.of()))
                    .data("verdicts", recorded ? Views.recorded(h.event(), now, rules.current().version())
                            : now == null || "workspace-not-allowed".equals(h.event().outcome()) ? List.of()
                                    : Views.verdicts(now, json))
                    .data("recorded", recorded)
                    .data("rulesVersion", recorded ? shortVersion(h.event().rulesVersion()) : rules.current().shortVersion())
                    .data("rulesChanged", recorded && !rules.current().version().equals(h.event().rulesVersion()))
                    .data("decodable", decoded.isPresent())
                    .data("actions", actions).data("replayable", replayable)
                    .data("payload", Views.prettyText(json, h.event().raw()))
                    .data("notice", notice).data("replayResult", replayResult);
            return Pages.ok(page);
        });
    }

    /** The action as the rules in force now render it for the event, for its links (null when not rendered). */
    private static RenderedAction rendered(DryRun.Evaluation now, ActionRecord a) {
        if (now == null) {
            return null;
        }
        return now.rules().stream().filter(r -> r.rule().equals(a.key().rule()) && r.actions() != null)
                .flatMap(r -> r.actions().stream()).filter(p -> p.index() == a.key().actionIndex())
                .map(DryRun.ActionPreview::rendered).findFirst().orElse(null);
    }

    private static String shortVersion(String version) {
        return version == null ? "unknown" : version.length() > 19 ? version.substring(0, 19) : version;
    }

    private Optional<MlEvent> decode(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        try {
            List<Inbound> items = decoder.decode(raw.getBytes(StandardCharsets.UTF_8), BodyFormat.JSON);
            return items.size() == 1 && items.get(0) instanceof Inbound.Notification n ? Optional.of(n.event())
                    : Optional.empty();
        } catch (EventDecodingException e) {
            return Optional.empty();
        }
    }

    private Response unknown(String id, Optional<ConsoleSessions.Session> session) {
        return pages.message(404, "Unknown event", "No event with id " + id + " is in the history (never received "
                + "here, or older than ledger.retention).", session);
    }
}
