package io.amlrouter.console;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.EventHistory;
import io.amlrouter.ledger.EventRecord;
import io.amlrouter.ledger.OutcomeLedger;
import io.smallrye.mutiny.Uni;

/** The events page's search over the ledger's history, newest first, one page at a time. */
@ApplicationScoped
public class EventSearch {

    /** One page of results; {@code more} when a next page exists. */
    public record Found(List<EventHistory> events, boolean more) {
    }

    /** How many of the newest events the search looks through. */
    static final int SCAN = 5000;

    private final OutcomeLedger ledger;
    private final ObjectMapper json;

    public EventSearch(OutcomeLedger ledger, ObjectMapper json) {
        this.ledger = ledger;
        this.json = json;
    }

    public Uni<Found> search(ConsoleQuery q, int pageSize) {
        int skip = (q.page() - 1) * pageSize;
        return ledger.recent(SCAN).map(all -> {
            List<EventHistory> hits = all.stream().filter(h -> matches(q, h)).skip(skip).limit(pageSize + 1L).toList();
            return new Found(hits.subList(0, Math.min(pageSize, hits.size())), hits.size() > pageSize);
        });
    }

    boolean matches(ConsoleQuery q, EventHistory h) {
        EventRecord e = h.event();
        if (q.type() != null && !q.type().equalsIgnoreCase(e.type())) {
            return false;
        }
        if (q.subject() != null && (e.subject() == null || !e.subject().startsWith(q.subject()))) {
            return false;
        }
        if (q.rule() != null && !e.matchedRules().contains(q.rule())) {
            return false;
        }
        if (q.fromInstant() != null && e.lastReceivedAt().isBefore(q.fromInstant())) {
            return false;
        }
        if (q.toInstant() != null && e.firstReceivedAt().isAfter(q.toInstant())) {
            return false;
        }
        if (q.outcome() != null && !outcome(h).contains(q.outcome())) {
            return false;
        }
        if (q.runId() != null || q.model() != null) {
            JsonNode data = data(e.raw());
            return (q.runId() == null || q.runId().equals(field(data, "runId")))
                    && (q.model() == null || q.model().equals(field(data, "modelName")));
        }
        return true;
    }

    /** The outcomes an event counts under (an event with a dead letter and a retried action is both). */
    static List<String> outcome(EventHistory h) {
        if (!"routed".equals(h.event().outcome())) {
            return List.of("unmatched");
        }
        List<ActionRecord> a = h.actions();
        List<String> out = new java.util.ArrayList<>(List.of("matched"));
        if (a.stream().anyMatch(r -> r.state() == ActionState.FAILED)) {
            out.add("dead-letter");
        }
        if (a.stream().anyMatch(r -> r.state() == ActionState.PENDING && r.lastError() != null)) {
            out.add("failed");
        }
        if (a.stream().anyMatch(r -> r.state() == ActionState.CLAIMED
                || r.state() == ActionState.PENDING && r.lastError() == null)) {
            out.add("pending");
        }
        return out;
    }

    private JsonNode data(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return json.readTree(raw).path("data");
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** A data field in either casing ({@code runId} or {@code RunId}). */
    private static String field(JsonNode data, String name) {
        if (data == null) {
            return null;
        }
        JsonNode v = data.get(name);
        if (v == null) {
            v = data.get(Character.toUpperCase(name.charAt(0)) + name.substring(1));
        }
        return v == null || v.isNull() ? null : v.asText();
    }
}
