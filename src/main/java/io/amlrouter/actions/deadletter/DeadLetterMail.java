package io.amlrouter.actions.deadletter;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.deadletter.DeadLetter;

/** What a dead letter looks like when forwarded: the mail's subject and text, the webhook's JSON. */
final class DeadLetterMail {

    private DeadLetterMail() {
    }

    static String subject(DeadLetter d) {
        return oneLine("[aml-event-router] dead letter: rule " + d.rule() + ", action " + d.action() + " (" + d.kind()
                + "), event " + d.eventId());
    }

    static String text(DeadLetter d) {
        StringBuilder sb = new StringBuilder();
        sb.append("An action failed permanently and will not be retried unless it is replayed\n");
        sb.append("(POST /events/").append(d.eventId()).append("/replay once the cause is fixed).\n\n");
        sb.append("Event:  ").append(d.eventId()).append('\n');
        if (d.eventType() != null) {
            sb.append("Type:   ").append(d.eventType()).append('\n');
        }
        if (d.subject() != null) {
            sb.append("Subject: ").append(d.subject()).append('\n');
        }
        sb.append("Rule:   ").append(d.rule()).append('\n');
        sb.append("Action: ").append(d.action()).append(" (").append(d.kind()).append(")\n");
        sb.append("Reason: ").append(d.reason()).append('\n');
        sb.append("At:     ").append(d.at()).append("\n\n");
        sb.append("Raw event:\n").append(d.rawEvent() == null ? "(not at hand)" : d.rawEvent()).append('\n');
        return sb.toString();
    }

    /** The webhook body; the raw event is embedded as JSON, not as a string. */
    static Map<String, Object> payload(DeadLetter d, ObjectMapper json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("eventId", d.eventId());
        body.put("eventType", d.eventType());
        body.put("subject", d.subject());
        body.put("rule", d.rule());
        body.put("action", d.action());
        body.put("kind", d.kind());
        body.put("reason", d.reason());
        body.put("at", d.at().toString());
        Object raw = null;
        if (d.rawEvent() != null) {
            try {
                raw = json.readTree(d.rawEvent());
            } catch (Exception e) {
                raw = d.rawEvent();
            }
        }
        body.put("event", raw);
        return body;
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ");
    }
}
