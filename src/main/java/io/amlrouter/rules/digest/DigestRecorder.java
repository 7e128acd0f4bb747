package io.amlrouter.rules.digest;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.DigestGroup;
import io.amlrouter.ledger.GroupEntry;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.rules.action.ActionKind;
import io.amlrouter.rules.action.Grouping;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateContext;

/**
 * Records the event of a grouped action in its digest group, in the ledger's store, instead of running the action.
 * The action is then final ({@code GROUPED}, its detail naming the group), so the event can be acknowledged: the
 * group's digest is sent later by whichever replica takes the group ({@code io.amlrouter.digest.DigestFlusher}).
 */
@ApplicationScoped
public class DigestRecorder {

    private static final Logger LOG = Logger.getLogger(DigestRecorder.class);

    private final OutcomeLedger ledger;
    private final DigestConfig config;
    private final DigestMetrics metrics;

    public DigestRecorder(OutcomeLedger ledger, DigestConfig config, DigestMetrics metrics) {
        this.ledger = ledger;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Renders the group key at once (a {@link RenderException} is the caller's, as for any action); the returned
     * {@code Uni} completes once the event is in its group and the action recorded as grouped.
     */
    public io.smallrye.mutiny.Uni<Void> record(MlEvent event, String rule, String description, ActionKey key,
            ActionKind kind, Grouping grouping) throws RenderException {
        String groupKey = grouping.key(new TemplateContext(event, rule, description));
        DigestGroup wanted = DigestGroup.of(rule, key.actionIndex(), groupKey, grouping.groupWait(), grouping.interval());
        return ledger.groupAdd(wanted, new GroupEntry(key, event.rawJson(), Instant.now()), config.maxListed())
                .chain(group -> ledger.grouped(key, group.id(), detail(group)).invoke(() -> {
                    metrics.grouped(kind, rule);
                    LOG.infof("Event %s rule %s action %d (%s) %s", event.id(), rule, key.actionIndex(), kind.key(),
                            detail(group));
                }));
    }

    static String detail(DigestGroup group) {
        return "grouped into the digest " + (group.key().isEmpty() ? "of the action" : "\"" + group.key() + "\"")
                + " (group " + group.id() + "), sent with the group's next digest";
    }
}
