package io.amlrouter.routing;

import java.util.Optional;

import io.amlrouter.ledger.ActionKey;
import io.amlrouter.observability.LogContext;
import io.amlrouter.rules.action.ActionKind;
import io.smallrye.mutiny.Context;

/**
 * Which action a piece of work belongs to: its event (id, type, subject), rule, index and kind. The
 * action hand-off subscribes to each action with its task in the Mutiny subscriber context, so code deep in the
 * call (the outbound retry loop) can label its metrics and log lines without being handed it.
 *
 * @param eventType null when unknown
 * @param subject null when unknown
 */
public record ActionScope(String eventId, String eventType, String subject, String rule, int action,
        ActionKind kind) {

    /** The Mutiny context key. */
    static final String KEY = "aml-event-router.action-scope";

    public static ActionScope of(ActionTask task) {
        ActionKey key = task.key();
        return new ActionScope(key.eventId(), task.event().type(), task.event().subject(), key.rule(),
                key.actionIndex(), task.kind());
    }

    /** An action known by its key and kind only (a deployment watch). */
    public static ActionScope of(ActionKey key, ActionKind kind) {
        return new ActionScope(key.eventId(), null, null, key.rule(), key.actionIndex(), kind);
    }

    /** The log context of this action. */
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
