package io.amlrouter.routing;

import java.util.Optional;
import java.util.function.Supplier;

import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.observability.LogContext;
import io.amlrouter.observability.OwnContext;
import io.amlrouter.rules.action.ActionKind;
import io.smallrye.mutiny.Context;
import io.smallrye.mutiny.Uni;

/**
 * Which action a piece of work belongs to: its event (id, type, subject), rule, index and kind. Each
 * action runs on a Vert.x duplicated context of its own where these are the log fields ({@link #run}),
 * so its log lines carry them on whatever thread they are written. The action hand-off also subscribes
 * to each action with its scope in the Mutiny subscriber context, so code deep in the call (the outbound
 * retry loop) can label its metrics without being handed it: Mutiny's context follows the subscription
 * through its timers and retries (which run on Mutiny's worker pool, off the action's Vert.x context),
 * where a lookup in the Vert.x context would find nothing.
 *
 * @param eventType null when unknown
 * @param subject null when unknown
 */
public record ActionScope(String eventId, String eventType, String subject, String rule, int action,
        ActionKind kind) {

    /** The Mutiny context key. */
    static final String KEY = "aml-event-router.action-scope";

    public static ActionScope of(ActionTask task) {
        return of(task.key(), task.event(), task.kind());
    }

    /** An action of {@code event}. */
    public static ActionScope of(ActionKey key, MlEvent event, ActionKind kind) {
        return new ActionScope(key.eventId(), event.type(), event.subject(), key.rule(), key.actionIndex(), kind);
    }

    /** An action known by its key and kind only (a deployment watch). */
    public static ActionScope of(ActionKey key, ActionKind kind) {
        return new ActionScope(key.eventId(), null, null, key.rule(), key.actionIndex(), kind);
    }

    /**
     * Runs {@code work} as this action's: on a new duplicated context of the current one (its event's),
     * with this scope's log fields and the current trace context set there once ({@link OwnContext}).
     */
    public <T> Uni<T> run(Supplier<Uni<? extends T>> work) {
        return OwnContext.ofAction(eventId, eventType, subject, rule, action, kind.key(), work);
    }

    /** The log context of this action, for a line written off its own context (a timer, the shutdown). */
    public LogContext logContext() {
        return LogContext.ofAction(eventId, eventType, subject, rule, action, kind.key());
    }

    /** A Mutiny context carrying this scope. */
    public Context context() {
        return Context.of(KEY, this);
    }

    /** The scope in a Mutiny context, if the work was subscribed with one ({@link #context}). */
    public static Optional<ActionScope> in(Context context) {
        return context.contains(KEY) ? Optional.of(context.get(KEY)) : Optional.empty();
    }
}
