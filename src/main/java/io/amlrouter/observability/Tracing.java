package io.amlrouter.observability;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.reactive.messaging.TracingMetadata;

/**
 * The router's spans, under the HTTP server span Quarkus starts for each delivery (which continues a
 * {@code traceparent} header): {@code route event} for each event (rule evaluation, until the event's
 * actions are done), and {@code action <kind>} for each action under it. An event carrying a CloudEvents
 * {@code traceparent} extension attribute is routed in that trace instead (its producer's), with a link
 * to the delivery's span. Off by default ({@code quarkus.otel.sdk.disabled=true}): then no span and no
 * context lookup happens here at all.
 * <p>
 * The delivery's span crosses the channel as message metadata ({@link #carry}): SmallRye Reactive
 * Messaging's emitter gives each message a Vert.x context of its own, but a new one, whose local data (where
 * Quarkus keeps the current trace context) starts empty. From there on nothing is carried by hand: the
 * routing span is current on the event's own context ({@link OwnContext}), and an action's span is a child
 * of whatever is current where it starts: the event's span, carried onto the action's context.
 */
@ApplicationScoped
public class Tracing {

    static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("aml.event.id");
    static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("aml.event.type");
    static final AttributeKey<String> EVENT_SUBJECT = AttributeKey.stringKey("aml.event.subject");
    static final AttributeKey<String> EVENT_SCHEMA = AttributeKey.stringKey("aml.event.schema");
    static final AttributeKey<String> RULE = AttributeKey.stringKey("aml.rule");
    static final AttributeKey<Long> ACTION = AttributeKey.longKey("aml.action.index");
    static final AttributeKey<String> ACTION_KIND = AttributeKey.stringKey("aml.action.kind");

    private static final TextMapGetter<ObjectNode> CLOUD_EVENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ObjectNode event) {
            return event::fieldNames;
        }

        @Override
        public String get(ObjectNode event, String key) {
            JsonNode value = event == null ? null : event.get(key);
            return value != null && value.isTextual() ? value.textValue() : null;
        }
    };

    private final boolean enabled;
    private final Tracer tracer;

    public Tracing(Tracer tracer,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled,
            @ConfigProperty(name = "quarkus.otel.traces.enabled", defaultValue = "true") boolean tracesEnabled) {
        this.tracer = tracer;
        this.enabled = !sdkDisabled && tracesEnabled;
    }

    /** Tracing off, outside CDI (unit tests). */
    public static Tracing off() {
        return new Tracing(OpenTelemetry.noop().getTracer("aml-event-router"), true, false);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * The message, carrying the current trace context (the delivery's span) along when tracing is on, in SmallRye
     * Reactive Messaging's own {@link TracingMetadata} (as its connectors carry a record's parent context): the
     * channel hop leaves the thread, and with it the current context, behind.
     */
    public <T> Message<T> carry(Message<T> message) {
        return enabled ? message.addMetadata(TracingMetadata.withPrevious(Context.current())) : message;
    }

    /**
     * Starts the routing span of an event that came on {@code message}: its id, type, subject (null when
     * none) and schema label, and its raw JSON, whose CloudEvents {@code traceparent} (when valid) is
     * preferred to the delivery's as the parent.
     */
    public TraceSpan startRoute(String eventId, String eventType, String subject, String schema, ObjectNode raw,
            Message<?> message) {
        if (!enabled) {
            return TraceSpan.NONE;
        }
        Context delivery = parent(message);
        Context producer = W3CTraceContextPropagator.getInstance().extract(Context.root(), raw, CLOUD_EVENT);
        SpanContext produced = Span.fromContext(producer).getSpanContext();
        Context parent = produced.isValid() ? producer : delivery;
        SpanBuilder builder = tracer.spanBuilder("route event").setSpanKind(SpanKind.INTERNAL).setParent(parent)
                .setAttribute(EVENT_ID, eventId).setAttribute(EVENT_TYPE, eventType)
                .setAttribute(EVENT_SCHEMA, schema);
        if (subject != null) {
            builder.setAttribute(EVENT_SUBJECT, subject);
        }
        SpanContext deliverySpan = Span.fromContext(delivery).getSpanContext();
        if (produced.isValid() && deliverySpan.isValid()) {
            builder.addLink(deliverySpan);
        }
        return new TraceSpan(builder.startSpan(), parent);
    }

    /**
     * Starts the span of an action, a child of the current trace context (on an action's own context, its
     * event's routing span): its event's id and type, its rule, its index in the rule and its kind's key.
     */
    public TraceSpan startAction(String eventId, String eventType, String rule, int action, String kind) {
        if (!enabled) {
            return TraceSpan.NONE;
        }
        Context parent = Context.current();
        Span span = tracer.spanBuilder("action " + kind).setSpanKind(SpanKind.INTERNAL).setParent(parent)
                .setAttribute(EVENT_ID, eventId).setAttribute(EVENT_TYPE, eventType)
                .setAttribute(RULE, rule).setAttribute(ACTION, (long) action)
                .setAttribute(ACTION_KIND, kind).startSpan();
        return new TraceSpan(span, parent);
    }

    private static Context parent(Message<?> message) {
        return TracingMetadata.fromMessage(message).map(TracingMetadata::getPreviousContext).orElseGet(Context::root);
    }
}
