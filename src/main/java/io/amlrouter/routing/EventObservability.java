package io.amlrouter.routing;


import org.eclipse.microprofile.reactive.messaging.Message;

import io.amlrouter.events.EventSchema;
import io.amlrouter.events.MlEvent;
import io.amlrouter.observability.LogContext;
import io.amlrouter.observability.TraceSpan;
import io.amlrouter.observability.Tracing;

/**
 * The log context and the spans of an event and of an action task. {@code observability} takes names and
 * numbers only (it imports no feature package); this reads them off the event model and the router's
 * hand-off, so every log line and span keeps its fields.
 */
public final class EventObservability {

    /** The Mutiny context key of the task an action runs for. */

    private EventObservability() {
    }

    /** An event, before or without a rule. */
    public static LogContext logContext(MlEvent event) {
        return LogContext.ofEvent(event.id(), event.type(), event.subject());
    }

    /** One action of an event. */
    public static LogContext logContext(MlEvent event, String rule, int action, String kind) {
        return LogContext.ofAction(event.id(), event.type(), event.subject(), rule, action, kind);
    }

    /** An action handed to its executor. */
    public static LogContext logContext(ActionTask task) {
        return logContext(task.event(), task.ruleName(), task.key().actionIndex(), task.kind().key());
    }

    /** {@code eventgrid} or {@code cloudevents}: the {@code schema} label of the meters and spans. */
    public static String schemaLabel(EventSchema schema) {
        return schema == EventSchema.CLOUD_EVENTS ? "cloudevents" : "eventgrid";
    }

    /** Starts the routing span of an event that came on {@code message}. */
    public static TraceSpan startRoute(Tracing tracing, MlEvent event, Message<?> message) {
        return tracing.startRoute(event.id(), event.type(), event.subject(), schemaLabel(event.envelope().schema()),
                event.raw(), message);
    }

    /** Starts the span of an action run as part of its event's routing ({@code route}, its span). */
    public static TraceSpan startAction(Tracing tracing, ActionTask task, TraceSpan route) {
        return tracing.startAction(task.key().eventId(), task.event().type(), task.ruleName(),
                task.key().actionIndex(), task.kind().key(), route);
    }

    /** Ends an action's span with its result. */
    public static void end(TraceSpan span, ActionResult result) {
        if (result instanceof ActionResult.Succeeded) {
            span.endAction("succeeded", false, null);
        } else if (result instanceof ActionResult.FailedTransiently t) {
            span.endAction("failed-transiently", true, t.reason());
        } else if (result instanceof ActionResult.FailedPermanently p) {
            span.endAction("failed-permanently", true, p.reason());
        }
    }
}
