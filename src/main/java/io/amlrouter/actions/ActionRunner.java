package io.amlrouter.actions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.amlrouter.deadletter.DeadLetterLog;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.observability.LogContext;
import io.amlrouter.observability.TraceSpan;
import io.amlrouter.observability.Tracing;
import io.amlrouter.routing.ActionMetrics;
import io.amlrouter.routing.ActionResult;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.routing.EventObservability;
import io.amlrouter.rules.action.ActionKind;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * The common part of every action processor: runs the action, records its outcome in the ledger,
 * announces dead letters, and only then acknowledges the task (acked when done or failed permanently,
 * nacked when failed transiently). Tasks run concurrently: the channel hands over the next task at once.
 * It also observes every action the same way: attempts, outcomes and duration ({@link ActionMetrics}),
 * the action's span ({@link Tracing}), and the action's scope in the Mutiny context for the code it
 * calls ({@link ActionScope}).
 * <p>
 * It knows the actions running on this replica, so that the ones still running when the service stops
 * can be settled instead of leaving their claims to lapse ({@link #cutUnfinished}).
 */
@ApplicationScoped
public class ActionRunner {

    private static final Logger LOG = Logger.getLogger(ActionRunner.class);

    /** How long the ledger may take to record the actions cut at the end. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(5);

    private final OutcomeLedger ledger;
    private final DeadLetterLog deadLetters;
    private final ActionMetrics metrics;
    private final Tracing tracing;
    private final Map<ActionKey, Running> running = new ConcurrentHashMap<>();

    /** An action being run here: settled once, by its own outcome or by {@link #cutUnfinished}. */
    private static final class Running {
        final Message<ActionTask> message;
        final TraceSpan span;
        final long start;
        final AtomicBoolean settled = new AtomicBoolean();
        volatile boolean handedOver;
        volatile Cancellable subscription;

        Running(Message<ActionTask> message, TraceSpan span, long start) {
            this.message = message;
            this.span = span;
            this.start = start;
        }

        ActionTask task() {
            return message.getPayload();
        }
    }

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
        TraceSpan span = EventObservability.startAction(tracing, task, message);
        try (Scope ignored = span.makeCurrent()) {
            execute(message, task, action, start, span);
        }
        return Uni.createFrom().voidItem();
    }

    private void execute(Message<ActionTask> message, ActionTask task, Function<ActionTask, Uni<ActionResult>> action,
            long start, TraceSpan span) {
        Running run = new Running(message, span, start);
        running.put(task.key(), run);
        Uni<ActionResult> execution;
        try {
            execution = action.apply(task);
        } catch (RuntimeException e) {
            execution = Uni.createFrom().failure(e);
        }
        run.subscription = execution
                .onFailure().recoverWithItem(t -> {
                    span.recordException(t);
                    try (LogContext ignored = EventObservability.logContext(task)) {
                        LOG.warnf(t, "Action %s (%s) failed unexpectedly; treating it as transient", task.key(),
                                task.kind().key());
                    }
                    return new ActionResult.FailedTransiently("unexpected error: " + t);
                })
                .chain(result -> settle(run) ? finish(run, result).replaceWith(result) : Uni.createFrom().nullItem())
                .subscribe().with(ActionScope.of(task).context(), result -> {
                    if (result != null) {
                        answer(message, task, result);
                    }
                }, failure -> message.nack(failure));
    }

    /**
     * Marks a running action settled, unless it was already (cut at shutdown, or its outcome arrived
     * first): answers whether this call settled it, and so must count and record it ({@link #finish}).
     */
    private boolean settle(Running run) {
        if (!run.settled.compareAndSet(false, true)) {
            return false;
        }
        running.remove(run.task().key(), run);
        return true;
    }

    private Uni<Void> finish(Running run, ActionResult result) {
        ActionTask task = run.task();
        metrics.finished(task.kind(), task.ruleName(), result, run.start);
        EventObservability.end(run.span, result);
        return record(task, result);
    }

    private static void answer(Message<ActionTask> message, ActionTask task, ActionResult result) {
        if (result instanceof ActionResult.FailedTransiently failed) {
            message.nack(new TransientActionFailure(task.key() + " (" + task.kind().key() + "): " + failed.reason()));
        } else {
            message.ack();
        }
    }

    /**
     * The action's effect is leaving the process now (a mail is given to the SMTP server): from here a cut
     * action of kind {@link ActionKind.IfCut#RELEASE_BEFORE_HANDOVER} may have happened. Unknown keys are ignored.
     */
    public void handingOver(ActionKey key) {
        Running run = running.get(key);
        if (run != null) {
            run.handedOver = true;
        }
    }

    /** The actions running on this replica now. */
    public int running() {
        return running.size();
    }

    /**
     * Settles the actions the shutdown cut ({@link #cutUnfinished}), right after the ingest's drain of the
     * events in flight (priority {@code APPLICATION + 600}) and before the digest flusher stops ({@code + 700}).
     */
    void settleCutActions(@Observes @Priority(Interceptor.Priority.APPLICATION + 650) ShutdownEvent event) {
        if (running() == 0) {
            return;
        }
        try {
            int settled = cutUnfinished().await().atMost(SETTLE_TIMEOUT);
            LOG.infof("Settled %d action(s) cut by the shutdown in the ledger", settled);
        } catch (RuntimeException e) {
            LOG.warnf("Could not record every action cut by the shutdown (%s): their claims lapse after "
                    + "ledger.claim-lease, then a redelivery runs them again", e.getMessage());
        }
    }

    /**
     * Settles every action still running, for a stopping service whose drain time is up: their claims would
     * otherwise hold for the whole lease (a redelivery to another replica gets 503 until it lapses) and then
     * run them again. Per kind ({@link ActionKind.IfCut}): an action that is safe to repeat, or that had not
     * handed its effect over yet, is released (owed again, the next delivery runs it at once); one that may
     * have had its effect is recorded as a dead letter saying so (never repeated automatically; a replay runs
     * it again). The action's own outcome, if it still comes, is ignored. Completes once the ledger has
     * every record, or fails when a write failed (that claim then lapses after its lease, as after a crash).
     */
    public Uni<Integer> cutUnfinished() {
        List<Uni<Void>> writes = new ArrayList<>();
        for (Running run : List.copyOf(running.values())) {
            Duration after = Duration.ofNanos(System.nanoTime() - run.start);
            ActionResult result = cutResult(run.task().kind(), run.handedOver, after);
            if (!settle(run)) {
                continue;
            }
            Cancellable subscription = run.subscription;
            if (subscription != null) {
                subscription.cancel();
            }
            ActionTask task = run.task();
            try (LogContext ignored = EventObservability.logContext(task)) {
                LOG.warnf("Stopping: event %s rule %s action %d (%s) was still running after %s: %s", task.key().eventId(),
                        task.ruleName(), task.key().actionIndex(), task.kind().key(), human(after),
                        result instanceof ActionResult.FailedTransiently ? "released, the next delivery runs it"
                                : "recorded as a dead letter, not repeated");
            }
            writes.add(finish(run, result).invoke(() -> answer(run.message, task, result)));
        }
        if (writes.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Uni.join().all(writes).andCollectFailures().replaceWith(writes.size());
    }

    /** What a cut action of {@code kind} is recorded as (docs/reliability.md, "Shutdown"). */
    static ActionResult cutResult(ActionKind kind, boolean handedOver, Duration after) {
        String cut = "cut by the shutdown of the replica running it, after " + human(after);
        return switch (kind.ifCut()) {
            case REPEAT -> new ActionResult.FailedTransiently(cut + "; running it again is safe (a PUT of the same name)");
            case RELEASE_BEFORE_HANDOVER -> handedOver
                    ? new ActionResult.FailedPermanently(cut + " while the SMTP server had the mail: it may have been "
                            + "delivered, so it is not sent again automatically; replay the event to send it again")
                    : new ActionResult.FailedTransiently(cut + " before the mail was handed to the SMTP server");
            case SETTLE_ONCE_STARTED -> new ActionResult.FailedPermanently(cut + " after its request was sent: it "
                    + "may have happened, so it is not repeated automatically; replay the event to run it again");
        };
    }

    private static String human(Duration d) {
        return Duration.ofMillis(d.toMillis()).toString().substring(2).toLowerCase();
    }

    private Uni<Void> record(ActionTask task, ActionResult result) {
        if (result instanceof ActionResult.Succeeded s) {
            try (LogContext ignored = EventObservability.logContext(task)) {
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
        try (LogContext ignored = EventObservability.logContext(task)) {
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
