package io.amlrouter.ingest.eventhubs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.amlrouter.deadletter.DeadLetterLog;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.Claim;
import io.amlrouter.ledger.LedgerConfig;
import io.amlrouter.ledger.OutcomeLedger;
import io.smallrye.mutiny.Uni;

/**
 * The ledger's side of a record dead-lettered past its retry budget: every action of its events that is
 * still owed ({@link ActionState#PENDING}) is claimed and recorded as failed permanently, and announced as
 * a dead letter ({@link DeadLetterLog}: log, metric, forwarding), as the router does for a permanent failure.
 * A replay ({@code POST /events/{id}/replay}) makes them owed again. An action another replica is running
 * now is left to it.
 */
@ApplicationScoped
public class LedgerDeadLetters {

    private final OutcomeLedger ledger;
    private final Duration lease;
    private final DeadLetterLog log;

    @Inject
    public LedgerDeadLetters(OutcomeLedger ledger, LedgerConfig ledgerConfig, DeadLetterLog log) {
        this(ledger, ledgerConfig.claimLease(), log);
    }

    LedgerDeadLetters(OutcomeLedger ledger, Duration lease, DeadLetterLog log) {
        this.ledger = ledger;
        this.lease = lease;
        this.log = log;
    }

    /** Dead-letters the owed actions of these events; answers how many. */
    Uni<Integer> record(List<MlEvent> events, String reason) {
        List<Uni<Integer>> each = new ArrayList<>(events.size());
        for (MlEvent event : events) {
            each.add(ledger.event(event.id()).chain(history -> {
                List<Uni<Integer>> actions = new ArrayList<>();
                if (history.isPresent()) {
                    for (ActionRecord a : history.get().actions()) {
                        if (a.state() == ActionState.PENDING) {
                            actions.add(deadLetter(event, a, reason));
                        }
                    }
                }
                return actions.isEmpty() ? Uni.createFrom().item(0)
                        : Uni.join().all(actions).andFailFast().map(l -> l.stream().mapToInt(Integer::intValue).sum());
            }));
        }
        return Uni.join().all(each).andFailFast().map(l -> l.stream().mapToInt(Integer::intValue).sum());
    }

    private Uni<Integer> deadLetter(MlEvent event, ActionRecord action, String reason) {
        return ledger.claim(action.key(), action.kind(), lease).chain(claim -> {
            if (!(claim instanceof Claim.Granted)) {
                return Uni.createFrom().item(0);
            }
            String why = "eventhubs: " + reason;
            return ledger.failedPermanently(action.key(), why)
                    .invoke(() -> log.record(action.key(), action.kind(), why, event)).replaceWith(1);
        });
    }
}
