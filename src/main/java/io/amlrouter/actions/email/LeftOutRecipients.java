package io.amlrouter.actions.email;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.action.RenderedEmail;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Records the recipients a mail was not sent to because event data gave an invalid address or one outside
 * {@code rules.allowed-recipient-domains} ({@link RenderedEmail#leftOut()}): one WARN line per mail, the
 * counter {@code email.recipients.left.out} (by rule), and a note for the action's outcome detail, which the
 * history ({@code GET /events/{id}}) shows.
 */
@ApplicationScoped
public class LeftOutRecipients {

    private static final Logger LOG = Logger.getLogger(LeftOutRecipients.class);

    private final MeterRegistry metrics;

    public LeftOutRecipients(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /** Logs and counts the left-out recipients of a mail that is sent now; the note for its outcome. */
    String record(ActionTask task, RenderedEmail email) {
        if (email.leftOut().isEmpty()) {
            return "";
        }
        String list = String.join("; ", email.leftOut());
        LOG.warnf("Event %s rule %s action %d: mail sent without %d recipient(s) from event data: %s",
                task.key().eventId(), task.ruleName(), task.key().actionIndex(), email.leftOut().size(), list);
        Counter.builder("email.recipients.left.out")
                .description("Recipients from event data a mail was not sent to (invalid or outside the allowed "
                        + "domains), by rule")
                .tag("rule", task.ruleName()).register(metrics).increment(email.leftOut().size());
        return "; left out " + email.leftOut().size() + ": " + list;
    }
}
