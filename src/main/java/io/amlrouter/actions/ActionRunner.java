package io.amlrouter.actions;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.observability.ActionMetrics;
import io.amlrouter.observability.ActionScope;
import io.amlrouter.observability.LogContext;
import io.amlrouter.observability.TraceSpan;
import io.amlrouter.observability.Tracing;
import io.amlrouter.rules.DeadLetterLog;
import io.amlrouter.rules.action.ActionTask;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;

/**
 * The common part of every action processor: runs the action, records its outcome in the ledger,
 * announces dead letters, and only then acknowledges the task (acked when done or failed permanently,
 * nacked when failed transiently). Tasks run concurrently: the channel hands over the next task at once.
 * It also observes every action the same way: attempts, outcomes and duration ({@link ActionMetrics}),
 * the action's span ({@link Tracing}), and the action's scope in the Mutiny context for the code it
 * calls ({@link ActionScope}).
 */
@ApplicationScoped
public class ActionRunner {

    private static final Logger LOG = Logger.getLogger(ActionRunner.class);

    private final OutcomeLedger ledger;
    private final DeadLetterLog deadLetters;
    private final ActionMetrics metrics;
    private final Tracing tracing;

    public ActionRunner(OutcomeLedger ledger, DeadLetterLog deadLetters, ActionMetrics metrics, Tracing tracing) {
        this.ledger = ledger;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    public Uni<Void> run(Message<ActionTask> message, Function<ActionTask, Uni<ActionResult>> action) {
        ActionTask task = message.getPayload();
        long start = System.nanoTime();
        metrics.attempt(task.kind(), task.ruleName());
        TraceSpan span = tracing.startAction(task, message);
        try (Scope ignored = span.makeCurrent()) {
            execute(message, task, action, start, span);
        }
        return Uni.createFrom().voidItem();
    }

    private void execute(Message<ActionTask> message, ActionTask task, Function<ActionTask, Uni<ActionResult>> action,
            long start, TraceSpan span) {
        Uni<ActionResult> execution;
        try {
            execution = action.apply(task);
        } catch (RuntimeException e) {
            execution = Uni.createFrom().failure(e);
        }
        execution
                .onFailure().recoverWithItem(t -> {
                    span.recordException(t);
                    try (LogContext ignored = LogContext.of(task)) {
                        LOG.warnf(t, "Action %s (%s) failed unexpectedly; treating it as transient", task.key(),
                                task.kind().key());
                    }
                    return new ActionResult.FailedTransiently("unexpected error: " + t);
                })
                .invoke(result -> {
                    metrics.finished(task.kind(), task.ruleName(), result, start);
                    span.end(result);
                })
                .call(result -> record(task, result))
                .subscribe().with(ActionScope.of(task).context(), result -> {
                    if (result instanceof ActionResult.FailedTransiently failed) {
                        message.nack(new TransientActionFailure(task.key() + " (" + task.kind().key() + "): "
                                + failed.reason()));
                    } else {
                        message.ack();
                    }
                }, failure -> message.nack(failure));
    }

    private Uni<Void> record(ActionTask task, ActionResult result) {
        if (result instanceof ActionResult.Succeeded s) {
            try (LogContext ignored = LogContext.of(task)) {
                LOG.infof("Event %s rule %s action %d (%s) succeeded%s", task.key().eventId(), task.ruleName(),
                        task.key().actionIndex(), task.kind().key(),
                        s.externalId() == null ? "" : ": " + s.externalId());
            }
            return ledger.succeeded(task.key(), s.externalId(), s.detail());
        }
        if (result instanceof ActionResult.FailedPermanently p) {
            // Announced (log, metric, forwarding with the raw event) once recorded: a failed ledger write
            // means a 503 and a redelivery, which would announce it a second time.
            return ledger.failedPermanently(task.key(), p.reason())
                    .invoke(() -> deadLetters.record(task.key(), task.kind().key(), p.reason(), task.event()));
        }
        ActionResult.FailedTransiently t = (ActionResult.FailedTransiently) result;
        try (LogContext ignored = LogContext.of(task)) {
            LOG.warnf("Event %s rule %s action %d (%s) failed transiently, Event Grid will redeliver: %s",
                    task.key().eventId(), task.ruleName(), task.key().actionIndex(), task.kind().key(), t.reason());
        }
        return ledger.failedTransiently(task.key(), t.reason());
    }

    /** The reason a task was nacked. */
    public static final class TransientActionFailure extends RuntimeException {
        public TransientActionFailure(String message) {
            super(message, null, false, false);
        }
    }
}
