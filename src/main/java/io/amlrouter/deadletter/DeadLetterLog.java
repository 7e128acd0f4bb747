package io.amlrouter.deadletter;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.observability.LogContext;
import io.amlrouter.rules.load.RulesActivated;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Where permanent failures are announced. Every dead letter is logged at WARN with the event id, rule
 * and action, counted ({@code actions.dead.letters} by kind and rule), kept in the ledger's history by
 * the caller, and fired as a {@link DeadLetter} CDI event whose observers only start their forwarding
 * (mail, webhook) without waiting for it, so it never delays the answer to Event Grid.
 */
@ApplicationScoped
public class DeadLetterLog {

    private static final Logger LOG = Logger.getLogger(DeadLetterLog.class);

    private final MeterRegistry metrics;
    private final Event<DeadLetter> announcements;

    @Inject
    public DeadLetterLog(MeterRegistry metrics, Event<DeadLetter> announcements) {
        this.metrics = metrics;
        this.announcements = announcements;
    }

    /** Logs only: no metric, no forwarding (for code outside CDI, such as unit tests). */
    public DeadLetterLog() {
        this(null, null);
    }

    /** Forgets the dead-letter counters of rules that are gone with a reload (their series leave the scrape). */
    void onRulesActivated(@Observes RulesActivated rules) {
        if (metrics == null) {
            return;
        }
        for (Counter c : metrics.find("actions.dead.letters").counters()) {
            if (!rules.ruleNames().contains(c.getId().getTag("rule"))) {
                metrics.remove(c);
            }
        }
    }

    /** A dead letter of an event whose content is at hand. */
    public void record(ActionKey key, String kind, String reason, MlEvent event) {
        try (LogContext ignored = LogContext.ofAction(key.eventId(), event == null ? null : event.type(),
                event == null ? null : event.subject(), key.rule(), key.actionIndex(), kind)) {
            LOG.warnf("Dead letter: event %s, rule %s, action %d (%s) failed permanently: %s", key.eventId(),
                    key.rule(), key.actionIndex(), kind, reason);
        }
        if (metrics != null) {
            Counter.builder("actions.dead.letters").description("Actions that failed permanently (dead letters)")
                    .tag("kind", kind).tag("rule", key.rule()).register(metrics).increment();
        }
        if (announcements == null) {
            return;
        }
        // Synchronous on purpose: the observers only start their sends (non-blocking) and return. An
        // asynchronous CDI event would carry the request context of the delivery along and end it, so
        // the answer to Event Grid could no longer be written.
        try {
            announcements.fire(new DeadLetter(key.eventId(), event == null ? null : event.type(),
                    event == null ? null : event.subject(), key.rule(), key.actionIndex(), kind, reason, Instant.now(),
                    event == null ? null : event.rawJson()));
        } catch (RuntimeException e) {
            try (LogContext ignored = LogContext.ofAction(key.eventId(), event == null ? null : event.type(),
                    event == null ? null : event.subject(), key.rule(), key.actionIndex(), kind)) {
                LOG.warnf("Dead letter of event %s, rule %s, action %d could not be forwarded: %s", key.eventId(),
                        key.rule(), key.actionIndex(), e.getMessage());
            }
        }
    }

    /** A dead letter known only by its key. */
    public void record(ActionKey key, String kind, String reason) {
        record(key, kind, reason, null);
    }
}
