package io.amlrouter.observability;

import io.opentelemetry.context.Context;

/**
 * Message metadata carrying the trace context a message was sent in (the delivery's HTTP span onto
 * {@code ml-events}), since the channel hop leaves the
 * thread, and with it the current context, behind. Added only while tracing is on.
 */
record TraceParent(Context context) {
}
