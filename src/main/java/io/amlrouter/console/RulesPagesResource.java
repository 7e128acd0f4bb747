package io.amlrouter.console;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.Defect;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.Inbound;
import io.amlrouter.routing.DryRun;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.diagnostics.Violation;
import io.amlrouter.rules.load.RuleSetHolder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;

/**
 * The console's rules pages: the active rules with their version, last load, refused reload, warnings and match
 * counts ({@code GET /console/rules}), and the dry run ({@code GET/POST /console/dry-run}: paste an event or pick
 * a sample, see each rule's verdict and the matched rules' actions rendered, as {@code POST /rules/evaluate}).
 */
@Path("/console")
public class RulesPagesResource {

    /** One rule of the rules page. */
    @TemplateData
    public record RuleRow(String name, String description, long matches, String filter, String actions) {
    }

    private final ConsoleAccess access;
    private final Pages pages;
    private final RuleSetHolder holder;
    private final EventDecoder decoder;
    private final MeterRegistry metrics;
    private final ObjectMapper json;
    private final Template rules;
    private final Template dryRun;

    public RulesPagesResource(ConsoleAccess access, Pages pages, RuleSetHolder holder, EventDecoder decoder,
            MeterRegistry metrics, ObjectMapper json, @Location("console/rules.html") Template rules,
            @Location("console/dry-run.html") Template dryRun) {
        this.access = access;
        this.pages = pages;
        this.holder = holder;
        this.decoder = decoder;
        this.metrics = metrics;
        this.json = json;
        this.rules = rules;
        this.dryRun = dryRun;
    }

    @GET
    @Path("rules")
    public Response rules(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
        Optional<ConsoleSessions.Session> session = access.session(cookie);
        if (session.isEmpty()) {
            return ConsoleAccess.toLogin();
        }
        RuleSet set = holder.current();
        List<RuleRow> rows = new ArrayList<>();
        for (Rule r : set.rules()) {
            Counter c = metrics.find("rules.matches").tag("rule", r.name()).counter();
            rows.add(new RuleRow(r.name(), r.description(), c == null ? 0 : (long) c.count(),
                    Views.pretty(json, r.filterSource()), Views.pretty(json, r.actionSources())));
        }
        return Pages.ok(pages.of(rules, session.get(), "rules").data("version", set.version())
                .data("shortVersion", set.shortVersion()).data("source", set.source())
                .data("loadedAt", Views.time(set.loadedAt())).data("reloads", holder.reloadCount())
                .data("refused", holder.failedReloadCount())
                .data("workspaces", set.workspaces().stream().map(w -> w.armId()).toList())
                .data("warnings", set.warnings().stream().map(Violation::toString).toList())
                .data("lastError", holder.lastError().orElse(null))
                .data("errorAt", holder.lastError().map(e -> Views.time(e.at())).orElse(null))
                .data("rules", rows));
    }

    @GET
    @Path("dry-run")
    public Response dryRunForm(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
        Optional<ConsoleSessions.Session> session = access.session(cookie);
        if (session.isEmpty()) {
            return ConsoleAccess.toLogin();
        }
        return Pages.ok(form(session.get(), null, null));
    }

    @POST
    @Path("dry-run")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response dryRun(@CookieParam(ConsoleSessions.COOKIE) String cookie, @FormParam("csrf") String csrf,
            @FormParam("event") String pasted, @FormParam("sample") String sample) {
        Optional<ConsoleSessions.Session> session = access.session(cookie);
        if (session.isEmpty() || !access.csrfMatches(session.get(), csrf)) {
            return pages.forbidden(session);
        }
        String text = pasted == null || pasted.isBlank() ? Samples.json(sample).orElse(null) : pasted;
        if (text == null) {
            return Pages.html(400, form(session.get(), null, null).data("error",
                    "Paste an event (Event Grid or CloudEvents JSON) or pick a sample."));
        }
        List<Inbound> items;
        try {
            items = decoder.decode(text.getBytes(StandardCharsets.UTF_8), BodyFormat.JSON);
        } catch (EventDecodingException e) {
            List<String> defects = e.defects().stream().map(RulesPagesResource::defect).toList();
            return Pages.html(400, form(session.get(), text, null).data("error", "The event cannot be read.")
                    .data("defects", defects));
        }
        if (items.size() != 1 || !(items.get(0) instanceof Inbound.Notification n)) {
            return Pages.html(400, form(session.get(), text, null).data("error",
                    "The dry run takes exactly one event (not a validation or deletion event); got " + items.size()
                            + "."));
        }
        DryRun.Evaluation evaluation = DryRun.evaluate(holder.current(), n.event());
        return Pages.ok(form(session.get(), text, evaluation));
    }

    private TemplateInstance form(ConsoleSessions.Session session, String text, DryRun.Evaluation evaluation) {
        return pages.of(dryRun, session, "dry-run").data("samples", Samples.ALL).data("text", text)
                .data("error", null).data("defects", List.of()).data("evaluation", evaluation)
                .data("verdicts", evaluation == null ? List.of() : Views.verdicts(evaluation, json))
                .data("summary", evaluation == null ? null : evaluation.event());
    }

    private static String defect(Defect d) {
        return d.field() + ": " + d.reason();
    }
}
