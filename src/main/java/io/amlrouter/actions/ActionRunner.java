package io.amlrouter.actions;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.rules.DeadLetterLog;
import io.amlrouter.rules.action.ActionTask;
import io.smallrye.mutiny.Uni;

/**
 * The common part of every action processor: runs the action, records its outcome in the ledger,
 * announces dead letters, and only then acknowledges the task (acked when done or failed permanently,
 * nacked when failed transiently). Tasks run concurrently: the channel hands over the next task at once.
 */
@ApplicationScoped
public class ActionRunner {

    private static final Logger LOG = Logger.getLogger(ActionRunner.class);

    private final OutcomeLedger ledger;
    private final DeadLetterLog deadLetters;

    public ActionRunner(OutcomeLedger ledger, DeadLetterLog deadLetters) {
        this.ledger = ledger;
        this.deadLetters = deadLetters;
    }

    public Uni<Void> run(Message<ActionTask> message, Function<ActionTask, Uni<ActionResult>> action) {
        ActionTask task = message.getPayload();
        Uni<ActionResult> execution;
        try {
            execution = action.apply(task);
        } catch (RuntimeException e) {
            execution = Uni.createFrom().failure(e);
        }
        execution
                .onFailure().recoverWithItem(t -> {
                    LOG.warnf(t, "Action %s (%s) failed unexpectedly; treating it as transient", task.key(),
                            task.kind().key());
                    return new ActionResult.FailedTransiently("unexpected error: " + t);
                })
                .call(result -> record(task, result))
                .subscribe().with(result -> {
                    if (result instanceof ActionResult.FailedTransiently failed) {
                        message.nack(new TransientActionFailure(task.key() + " (" + task.kind().key() + "): "
                                + failed.reason()));
                    } else {
                        message.ack();
                    }
                }, failure -> message.nack(failure));
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> record(ActionTask task, ActionResult result) {
        if (result instanceof ActionResult.Succeeded s) {
            LOG.infof("Event %s rule %s action %d (%s) succeeded%s", task.key().eventId(), task.ruleName(),
                    task.key().actionIndex(), task.kind().key(), s.externalId() == null ? "" : ": " + s.externalId());
            return ledger.succeeded(task.key(), s.externalId(), s.detail());
        }
        if (result instanceof ActionResult.FailedPermanently p) {
            // Announced (log, metric, forwarding with the raw event) once recorded: a failed ledger write
            // means a 503 and a redelivery, which would announce it a second time.
            return ledger.failedPermanently(task.key(), p.reason())
                    .invoke(() -> deadLetters.record(task.key(), task.kind().key(), p.reason(), task.event()));
        }
        ActionResult.FailedTransiently t = (ActionResult.FailedTransiently) result;
        LOG.warnf("Event %s rule %s action %d (%s) failed transiently, Event Grid will redeliver: %s",
                task.key().eventId(), task.ruleName(), task.key().actionIndex(), task.kind().key(), t.reason());
        return ledger.failedTransiently(task.key(), t.reason());
    }

    /** The reason a task was nacked. */
    public static final class TransientActionFailure extends RuntimeException {
        public TransientActionFailure(String message) {
            super(message, null, false, false);
        }
    }
}
