package io.amlrouter.rules;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.amlrouter.ledger.ActionKey;

/**
 * Where permanent failures are announced. Every dead letter is logged at WARN with the event id, rule
 * and action, besides being kept in the ledger's history.
 */
@ApplicationScoped
public class DeadLetterLog {

    private static final Logger LOG = Logger.getLogger(DeadLetterLog.class);

    public void record(ActionKey key, String kind, String reason) {
        LOG.warnf("Dead letter: event %s, rule %s, action %d (%s) failed permanently: %s", key.eventId(), key.rule(),
                key.actionIndex(), kind, reason);
    }
}
