package io.amlrouter.guard;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.rules.action.ActionKind;
import io.amlrouter.rules.action.RateLimit;
import io.amlrouter.rules.guard.GuardDurations;
import io.smallrye.mutiny.Uni;

/**
 * Applies an action's {@code limit}: asks the ledger once per action (event id, rule, index) whether it may run
 * ({@link OutcomeLedger#admit}); one over the limit is recorded {@code LIMITED} (final: a redelivery does not run
 * it later), counted and logged, and the event is answered 200. When the store cannot be asked the returned
 * {@code Uni} fails: the action stays owed and the delivery is answered 503, never run past the limit.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    private final OutcomeLedger ledger;
    private final GuardMetrics metrics;

    public RateLimiter(OutcomeLedger ledger, GuardMetrics metrics) {
        this.ledger = ledger;
        this.metrics = metrics;
    }

    /** The bucket of an action's limit: its rule, its position and the rendered key. */
    static String bucket(ActionKey key, String renderedKey) {
        return key.rule() + "/" + key.actionIndex() + "/" + renderedKey;
    }

    /** Whether the claimed action may run; when not, it is recorded LIMITED before the answer. */
    public Uni<Boolean> admit(ActionKey key, ActionKind kind, RateLimit limit, String renderedKey, Instant now) {
        return ledger.admit(key, bucket(key, renderedKey), limit.max(), limit.per(), now).chain(decision -> {
            if (decision.admitted()) {
                return Uni.createFrom().item(true);
            }
            String detail = "over its limit of " + limit.max() + " per " + GuardDurations.show(limit.per())
                    + " for key \"" + renderedKey + "\"";
            metrics.limited(kind, key.rule());
            LOG.infof("Action %s (%s) not run: %s", key, kind.key(), detail);
            return ledger.limited(key, detail).replaceWith(false);
        });
    }
}
