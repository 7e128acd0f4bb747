package io.amlrouter.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.amlrouter.deadletter.DeadLetterLog;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.Claim;
import io.amlrouter.ledger.LedgerConfig;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.observability.LogContext;
import io.amlrouter.observability.OwnContext;
import io.amlrouter.observability.TraceSpan;
import io.amlrouter.observability.Tracing;
import io.amlrouter.rules.RulesConfig;
import io.amlrouter.rules.action.ActionKind;
import io.amlrouter.rules.action.RenderedAction;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * The one owner of an action's claim in the ledger, from taking it to settling it: {@link #claim} takes
 * it, and every way out settles it here, at once: {@link #run} (the action's outcome, or a failed
 * hand-off: no executor, an executor that throws, a failed {@code Uni}, all released as transient),
 * {@link #deadLetter} (the router could not render it), {@link #release} (the router could not decide
 * its rate limit), {@link #cutUnfinished} (the service stops). No claim waits for its lease to lapse
 * unless the process dies or the ledger cannot be written.
 * <p>
 * Runs each claimed task with the {@link ActionExecutor} of its rendered action (CDI discovers one per
 * kind), records its outcome, announces dead letters, and answers: the returned {@code Uni} completes
 * when the action is done or failed permanently, and fails with {@link ActionPendingException} when it
 * failed transiently. Actions run concurrently: {@code run} subscribes to nothing itself; the event's
 * routing subscribes to all its actions at once.
 * <p>
 * It also observes every action the same way: attempts, outcomes and duration ({@link ActionMetrics}),
 * the action's span ({@link Tracing}), and the action's task in the Mutiny context for the code it
 * calls ({@link ActionScope}). It knows the actions running on this replica, so that the ones still
 * running when the service stops can be settled instead of leaving their claims to lapse.
 */
@ApplicationScoped
public class ActionHandOff {

    private static final Logger LOG = Logger.getLogger(ActionHandOff.class);

    /** How long the ledger may take to record the actions cut at the end. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(5);

    /** How often a claim held by another replica is asked for again. */
    private static final Duration HELD_CLAIM_POLL = Duration.ofMillis(200);

    private final OutcomeLedger ledger;
    private final DeadLetterLog deadLetters;
    private final ActionMetrics metrics;
    private final Tracing tracing;
    private final Duration lease;
    private final Duration heldClaimWait;
    private final Map<Class<?>, ActionExecutor<?>> executors;
    private final Map<ActionKey, Running> running = new ConcurrentHashMap<>();

    /** An action being run here: settled once, by its own outcome or by {@link #cutUnfinished}. */
    private static final class Running {
        final ActionTask task;
        final TraceSpan span;
        final long start;
        final UniEmitter<? super Void> answer;
        final AtomicBoolean settled = new AtomicBoolean();
        volatile boolean handedOver;
        volatile Cancellable subscription;

        Running(ActionTask task, TraceSpan span, long start, UniEmitter<? super Void> answer) {
            this.task = task;
            this.span = span;
            this.start = start;
            this.answer = answer;
        }
    }

    @Inject
    public ActionHandOff(OutcomeLedger ledger, DeadLetterLog deadLetters, ActionMetrics metrics, Tracing tracing,
            LedgerConfig ledgerConfig, RulesConfig rulesConfig, @Any Instance<ActionExecutor<?>> executors) {
        this(ledger, deadLetters, metrics, tracing, ledgerConfig.claimLease(), rulesConfig.heldClaimWait(),
                executors.stream().toList());
    }

    public ActionHandOff(OutcomeLedger ledger, DeadLetterLog deadLetters, ActionMetrics metrics, Tracing tracing,
            Duration lease, Duration heldClaimWait, List<? extends ActionExecutor<?>> executors) {
        this.ledger = ledger;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.tracing = tracing;
        this.lease = lease;
        this.heldClaimWait = heldClaimWait;
        Map<Class<?>, ActionExecutor<?>> byAction = new HashMap<>();
        for (ActionExecutor<?> executor : executors) {
            ActionExecutor<?> twice = byAction.put(executor.handles(), executor);
            if (twice != null) {
                throw new IllegalStateException("two executors for " + executor.handles().getSimpleName());
            }
        }
        this.executors = Map.copyOf(byAction);
    }

    /**
     * Claims the action. While another replica holds it, asks again every 200 ms: it ends as done there,
     * or its lease lapses (that replica died) and the claim is granted here. Fails with
     * {@link ActionPendingException} when it is still held after {@code rules.held-claim-wait}.
     */
    public Uni<Claim> claim(ActionKey key, ActionKind kind) {
        return Uni.createFrom().deferred(() -> ledger.claim(key, kind.key(), lease))
                .onItem().invoke(c -> {
                    if (c instanceof Claim.HeldElsewhere held && LOG.isDebugEnabled()) {
                        LOG.debugf("Action %s is being run by %s; waiting for its outcome", key,
                                held.record().owner());
                    }
                })
                .repeat().withDelay(HELD_CLAIM_POLL).whilst(c -> c instanceof Claim.HeldElsewhere)
                .collect().last()
                .ifNoItem().after(heldClaimWait).fail()
                .onFailure().transform(t -> new ActionPendingException(key + " is still running on another replica"))
                .onItem().transformToUni(c -> c instanceof Claim.HeldElsewhere held
                        ? Uni.createFrom().<Claim>failure(new ActionPendingException(key + " is still running on "
                                + held.record().owner()))
                        : Uni.createFrom().item(c));
    }

    /**
     * Runs a claimed task and settles its claim. Its span is a child of the current trace context (on the
     * action's own context, its event's span: {@link ActionScope#run}).
     */
    public Uni<Void> run(ActionTask task) {
        return Uni.createFrom().emitter(answer -> start(task, answer));
    }

    /** Settles a claimed action that cannot run (its template failed): a dead letter; the event is done with it. */
    public Uni<Void> deadLetter(ActionKey key, ActionKind kind, String reason, MlEvent event) {
        return ledger.failedPermanently(key, reason).invoke(() -> deadLetters.record(key, kind.key(), reason, event));
    }

    /** Releases a claimed action that could not be decided now: owed again, the next delivery runs it at once. */
    public Uni<Void> release(ActionKey key, String reason) {
        return ledger.failedTransiently(key, reason);
    }

    private void start(ActionTask task, UniEmitter<? super Void> answer) {
        long start = System.nanoTime();
        metrics.attempt(task.kind(), task.ruleName());
        TraceSpan span = EventObservability.startAction(tracing, task);
        Running run = new Running(task, span, start, answer);
        running.put(task.key(), run);
        try (Scope ignored = span.makeCurrent()) {
            // Back on the action's own context (and its log fields) whichever thread the executor answers on
            // (the SMTP sender's sessions, a JDK client): the outcome is recorded and logged there.
            run.subscription = execution(task).emitOn(OwnContext.current())
                    .onFailure().recoverWithItem(t -> {
                        span.recordException(t);
                        LOG.warnf(t, "Action %s (%s) failed unexpectedly; treating it as transient", task.key(),
                                task.kind().key());
                        return new ActionResult.FailedTransiently("unexpected error: " + t);
                    })
                    .chain(result -> settle(run) ? finish(run, result).replaceWith(result) : Uni.createFrom().nullItem())
                    .subscribe().with(ActionScope.of(task).context(), result -> {
                        if (result != null) {
                            answer(run, result);
                        }
                    }, answer::fail);
        }
    }

    /** The task's execution by its kind's executor: the one place the kind is decided and the action cast. */
    private Uni<ActionResult> execution(ActionTask task) {
        RenderedAction action = task.action();
        ActionExecutor<?> executor = executors.get(action.getClass());
        if (executor == null) {
            return Uni.createFrom().failure(new IllegalStateException("no executor for " + task.kind().key()));
        }
        try {
            return execute(executor, task, action);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
    }

    private static <A extends RenderedAction> Uni<ActionResult> execute(ActionExecutor<A> executor, ActionTask task,
            RenderedAction action) {
        Uni<ActionResult> execution = executor.execute(task, executor.handles().cast(action));
        return execution == null ? Uni.createFrom().failure(new IllegalStateException("no result")) : execution;
    }

    /**
     * Marks a running action settled, unless it was already (cut at shutdown, or its outcome arrived
     * first): answers whether this call settled it, and so must count and record it ({@link #finish}).
     */
    private boolean settle(Running run) {
        if (!run.settled.compareAndSet(false, true)) {
            return false;
        }
        running.remove(run.task.key(), run);
        return true;
    }

    private Uni<Void> finish(Running run, ActionResult result) {
        ActionTask task = run.task;
        metrics.finished(task.kind(), task.ruleName(), result, run.start);
        EventObservability.end(run.span, result);
        return record(task, result);
    }

    /** "Transient" becomes {@link ActionPendingException} here, and only here. */
    private static void answer(Running run, ActionResult result) {
        ActionTask task = run.task;
        if (result instanceof ActionResult.FailedTransiently failed) {
            run.answer.fail(new ActionPendingException(task.key() + " (" + task.kind().key() + "): " + failed.reason()));
        } else {
            run.answer.complete(null);
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
     * The one place the shutdown settles them.
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
            ActionResult result = cutResult(run.task.kind(), run.handedOver, after);
            if (!settle(run)) {
                continue;
            }
            Cancellable subscription = run.subscription;
            if (subscription != null) {
                subscription.cancel();
            }
            ActionTask task = run.task;
            // Written by the shutdown, off the action's own context: its fields are set around the line.
            try (LogContext ignored = EventObservability.logContext(task)) {
                LOG.warnf("Stopping: event %s rule %s action %d (%s) was still running after %s: %s", task.key().eventId(),
                        task.ruleName(), task.key().actionIndex(), task.kind().key(), human(after),
                        result instanceof ActionResult.FailedTransiently ? "released, the next delivery runs it"
                                : "recorded as a dead letter, not repeated");
            }
            writes.add(finish(run, result).invoke(() -> answer(run, result)));
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
            LOG.infof("Event %s rule %s action %d (%s) succeeded%s", task.key().eventId(), task.ruleName(),
                    task.key().actionIndex(), task.kind().key(),
                    s.externalId() == null ? "" : ": " + s.externalId());
            return ledger.succeeded(task.key(), s.externalId(), s.detail());
        }
        if (result instanceof ActionResult.FailedPermanently p) {
            // Announced (log, metric, forwarding with the raw event) once recorded: a failed ledger write
            // means a 503 and a redelivery, which would announce it a second time.
            return deadLetter(task.key(), task.kind(), p.reason(), task.event());
        }
        ActionResult.FailedTransiently t = (ActionResult.FailedTransiently) result;
        LOG.warnf("Event %s rule %s action %d (%s) failed transiently, Event Grid will redeliver: %s",
                task.key().eventId(), task.ruleName(), task.key().actionIndex(), task.kind().key(), t.reason());
        return release(task.key(), t.reason());
    }
}
