package io.amlrouter.routing;

import java.util.function.Consumer;
import java.util.function.Supplier;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.amlrouter.events.EventSchema;
import io.amlrouter.events.MlEvent;
import io.amlrouter.observability.LogContext;
import io.amlrouter.observability.OwnContext;
import io.amlrouter.observability.TraceSpan;
import io.amlrouter.observability.Tracing;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.providers.locals.LocalContextMetadata;

/**
 * The log context and the spans of an event and of an action task. {@code observability} takes names and
 * numbers only (it imports no feature package); this reads them off the event model and the router's
 * hand-off, so every log line and span keeps its fields.
 */
public final class EventObservability {

    private EventObservability() {
    }

    /**
     * The Vert.x context SmallRye Reactive Messaging's emitter made for {@code message} when it was sent (a new
     * duplicated context of the sender's event loop, with nothing in it yet), or null when it was sent off
     * Vert.x.
     */
    public static io.vertx.core.Context messageContext(Message<?> message) {
        return message.getMetadata(LocalContextMetadata.class).map(LocalContextMetadata::context).orElse(null);
    }

    /**
     * Runs {@code work} as the event's own work: on {@code own} (a duplicated context for this event alone),
     * with the event's log fields and its routing span ({@code route}) set there once ({@link OwnContext}), and
     * hands the outcome to {@code settled} (null on success).
     */
    public static void runOnOwnContext(io.vertx.core.Context own, TraceSpan route, MlEvent event,
            Supplier<Uni<Void>> work, Consumer<Throwable> settled) {
        OwnContext.runEvent(own, route, event.id(), event.type(), event.subject(), work, settled);
    }

    /**
     * An event known off its own context (the webhook before it hands the event on, a replay), before or
     * without a rule: the log context to open around a line ({@link LogContext}).
     */
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

    /** Starts the span of an action, a child of the current trace context (its event's routing span). */
    public static TraceSpan startAction(Tracing tracing, ActionTask task) {
        return tracing.startAction(task.key().eventId(), task.event().type(), task.ruleName(),
                task.key().actionIndex(), task.kind().key());
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
