package io.amlrouter.console;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.guard.SilenceRequest;
import io.amlrouter.guard.Silences;
import io.amlrouter.rules.diagnostics.Violation;
import io.amlrouter.rules.guard.Silence;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * The console's silences page ({@code GET /console/silences}; {@code ?ended=true} lists the ended ones too), its
 * form creating one ({@code POST /console/silences}, checked by {@link SilenceRequest} exactly as
 * {@code POST /silences}) and its "Expire now" button ({@code POST /console/silences/{id}/expire}, as
 * {@code DELETE /silences/{id}}). Silences of the rules file are listed but changed in the file.
 */
@Path("/console/silences")
public class SilencesPageResource {

    private static final Logger LOG = Logger.getLogger(SilencesPageResource.class);

    /** One silence of the page. */
    @TemplateData
    public record SilenceRow(String id, String status, String statusWords, String origin, String filter,
            String startsAt, String endsAt, String comment, String createdBy, boolean expirable) {
    }

    /** What the form held, shown again with its errors. */
    @TemplateData
    public record FormInput(String filter, String startsAt, String endsAt, String comment) {
        static final FormInput EMPTY = new FormInput("", "", "", "");
    }

    private final ConsoleAccess access;
    private final Pages pages;
    private final Silences silences;
    private final ObjectMapper json;
    private final Template page;

    public SilencesPageResource(ConsoleAccess access, Pages pages, Silences silences, ObjectMapper json,
            @Location("console/silences.html") Template page) {
        this.access = access;
        this.pages = pages;
        this.silences = silences;
        this.json = json;
        this.page = page;
    }

    @GET
    public Uni<Response> list(@CookieParam(ConsoleSessions.COOKIE) String cookie, @QueryParam("ended") boolean ended) {
        Optional<ConsoleSessions.Session> session = access.session(cookie);
        if (session.isEmpty()) {
            return Uni.createFrom().item(ConsoleAccess.toLogin());
        }
        return render(session.get(), ended, 200, FormInput.EMPTY, Map.of(), List.of());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> create(@CookieParam(ConsoleSessions.COOKIE) String cookie, @FormParam("csrf") String csrf,
            @FormParam("filter") String filter, @FormParam("startsAt") String startsAt,
            @FormParam("endsAt") String endsAt, @FormParam("comment") String comment) {
        Optional<ConsoleSessions.Session> session = access.session(cookie);
        if (session.isEmpty() || !access.csrfMatches(session.get(), csrf)) {
            return Uni.createFrom().item(pages.forbidden(session));
        }
        FormInput input = new FormInput(orEmpty(filter), orEmpty(startsAt), orEmpty(endsAt), orEmpty(comment));
        ObjectNode body = json.createObjectNode();
        if (!input.filter().isBlank()) {
            try {
                body.set("filter", SilenceRequest.read(input.filter().getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                return render(session.get(), false, 400, input, Map.of("filter", List.of("is not JSON: "
                        + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                                : "it cannot be read"))), List.of());
            }
        }
        putIfFilled(body, "startsAt", input.startsAt());
        putIfFilled(body, "endsAt", input.endsAt());
        putIfFilled(body, "comment", input.comment());
        body.put("createdBy", createdBy(session.get()));
        SilenceRequest.Checked checked = SilenceRequest.check(body, Instant.now());
        if (checked instanceof SilenceRequest.Invalid invalid) {
            Map<String, List<String>> byField = new LinkedHashMap<>();
            for (Violation v : invalid.errors()) {
                byField.computeIfAbsent(field(v.path()), k -> new java.util.ArrayList<>())
                        .add((v.path().isEmpty() ? "" : v.path() + ": ") + v.message());
            }
            return render(session.get(), false, 400, input, byField, List.of());
        }
        return silences.create(((SilenceRequest.Valid) checked).silence()).map(s -> {
            LOG.infof("Silence %s created in the console by %s until %s: %s", s.id(), s.createdBy(), s.endsAt(),
                    s.comment());
            return Response.seeOther(URI.create("/console/silences")).build();
        }).onFailure(Silences.TooManySilences.class).recoverWithUni(t -> render(session.get(), false, 409, input,
                Map.of(), List.of("Not created: " + t.getMessage())))
                .onFailure().recoverWithItem(t -> storeUnavailable(t, session));
    }

    @POST
    @Path("{id}/expire")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> expire(@CookieParam(ConsoleSessions.COOKIE) String cookie, @PathParam("id") String id,
            @FormParam("csrf") String csrf) {
        Optional<ConsoleSessions.Session> session = access.session(cookie);
        if (session.isEmpty() || !access.csrfMatches(session.get(), csrf)) {
            return Uni.createFrom().item(pages.forbidden(session));
        }
        if (silences.declaredInRulesFile(id)) {
            return Uni.createFrom().item(pages.message(409, "Cannot expire", "Silence " + id + " is declared in the "
                    + "rules file (silences:); remove it there.", session));
        }
        return silences.expire(id, Instant.now()).map(found -> found.map(s -> {
            LOG.infof("Silence %s expired in the console", s.id());
            return Response.seeOther(URI.create("/console/silences?ended=true")).build();
        }).orElseGet(() -> pages.message(404, "Unknown silence", "No silence with id " + id + " is held (never "
                + "created, or ended longer than ledger.retention ago).", session)))
                .onFailure().recoverWithItem(t -> storeUnavailable(t, session));
    }

    private Uni<Response> render(ConsoleSessions.Session session, boolean ended, int status, FormInput input,
            Map<String, List<String>> fieldErrors, List<String> errors) {
        Instant now = Instant.now();
        return silences.all().map(all -> {
            List<SilenceRow> rows = all.stream().filter(s -> ended || !"expired".equals(s.status(now)))
                    .sorted(Comparator.comparing(Silence::startsAt).thenComparing(Silence::id))
                    .map(s -> row(s, now)).toList();
            TemplateInstance t = pages.of(page, session, "silences").data("silences", rows).data("ended", ended)
                    .data("input", input).data("createdBy", createdBy(session))
                    .data("filterErrors", fieldErrors.getOrDefault("filter", List.of()))
                    .data("startsAtErrors", fieldErrors.getOrDefault("startsAt", List.of()))
                    .data("endsAtErrors", fieldErrors.getOrDefault("endsAt", List.of()))
                    .data("commentErrors", fieldErrors.getOrDefault("comment", List.of()))
                    .data("otherErrors", otherErrors(fieldErrors, errors))
                    .data("invalid", !fieldErrors.isEmpty() || !errors.isEmpty());
            return Pages.html(status, t);
        }).onFailure().recoverWithItem(t -> storeUnavailable(t, Optional.of(session)));
    }

    private SilenceRow row(Silence s, Instant now) {
        String status = s.status(now);
        String words = switch (status) {
            case "pending" -> "pending: not started yet";
            case "active" -> "active: silencing now";
            default -> "expired: ended";
        };
        return new SilenceRow(s.id(), status, words, s.origin(), Views.pretty(json, s.filterSource()),
                Views.time(s.startsAt()), Views.time(s.endsAt()), s.comment(), s.createdBy(),
                Silence.API.equals(s.origin()) && !"expired".equals(status));
    }

    private static List<String> otherErrors(Map<String, List<String>> fieldErrors, List<String> errors) {
        List<String> out = new java.util.ArrayList<>(errors);
        fieldErrors.forEach((k, v) -> {
            if (!List.of("filter", "startsAt", "endsAt", "comment").contains(k)) {
                out.addAll(v);
            }
        });
        return out;
    }

    /** The form field an error's path belongs to: its first segment ({@code filter.advancedFilters[0]} → filter). */
    static String field(String path) {
        int end = path.length();
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '.' || path.charAt(i) == '[') {
                end = i;
                break;
            }
        }
        return path.substring(0, end);
    }

    /** Who a silence of the console is created by: the signed-in identity when the session knows one. */
    static String createdBy(ConsoleSessions.Session session) {
        String who = session.who();
        return who == null || who.isBlank() || "admin key".equals(who) ? "console" : "console: " + who;
    }

    private Response storeUnavailable(Throwable t, Optional<ConsoleSessions.Session> session) {
        LOG.warnf("Console silences: the ledger store could not be reached: %s", t.getMessage());
        return pages.message(503, "Store unavailable", "The silences are kept in the ledger store, which cannot be "
                + "reached now; nothing was changed. Try again later.", session);
    }

    private static void putIfFilled(ObjectNode body, String key, String value) {
        if (!value.isBlank()) {
            body.put(key, value.strip());
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
