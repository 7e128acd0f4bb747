package io.amlrouter.observability;

import java.util.List;

import io.amlrouter.routing.ActionResult;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * A span of the router's own (an event's routing, an action), or {@link #NONE} while tracing is off,
 * whose methods then do nothing and allocate nothing.
 */
public final class TraceSpan {

    /** Tracing is off: nothing is recorded. */
    public static final TraceSpan NONE = new TraceSpan(null, null);

    static final AttributeKey<List<String>> MATCHED_RULES = AttributeKey.stringArrayKey("aml.rules.matched");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("aml.outcome");

    private final Span span;
    private final Context context;

    TraceSpan(Span span, Context parent) {
        this.span = span;
        this.context = span == null ? null : parent.with(span);
    }

    /** The context to carry on to child work (null when off). */
    Context context() {
        return context;
    }

    /** Makes the span current on this thread, so spans started under it (REST client calls) are its children. */
    public Scope makeCurrent() {
        return span == null ? Scope.noop() : context.makeCurrent();
    }

    /** The rules the event matched. */
    public void matched(List<String> rules) {
        if (span != null) {
            span.setAttribute(MATCHED_RULES, rules);
        }
    }

    /** Ends an event's routing: acknowledged (null) or not (the failure). */
    public void end(Throwable failure) {
        if (span == null) {
            return;
        }
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
            span.setAttribute(OUTCOME, "pending");
        } else {
            span.setAttribute(OUTCOME, "done");
        }
        span.end();
    }

    /** Ends an action with its result. */
    public void end(ActionResult result) {
        if (span == null) {
            return;
        }
        if (result instanceof ActionResult.Succeeded) {
            span.setAttribute(OUTCOME, "succeeded");
        } else if (result instanceof ActionResult.FailedTransiently t) {
            span.setAttribute(OUTCOME, "failed-transiently");
            span.setStatus(StatusCode.ERROR, t.reason());
        } else if (result instanceof ActionResult.FailedPermanently p) {
            span.setAttribute(OUTCOME, "failed-permanently");
            span.setStatus(StatusCode.ERROR, p.reason());
        }
        span.end();
    }

    /** Records an exception the work threw (it is then treated as a transient failure). */
    public void recordException(Throwable t) {
        if (span != null) {
            span.recordException(t);
        }
    }
}
