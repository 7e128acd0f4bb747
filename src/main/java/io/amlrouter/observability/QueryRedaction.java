package io.amlrouter.observability;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Removes the values of query parameters from the HTTP server spans: Event Grid delivers the ingest key
 * as {@code ?key=...}, and the server span would otherwise keep it in {@code url.query} and send it to
 * the trace backend. The names stay ({@code key=REDACTED}), so a span still shows how a delivery
 * authenticated. Runs when a span starts, before anything is exported.
 */
@ApplicationScoped
public class QueryRedaction implements SpanProcessor {

    static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
    static final String REDACTED = "REDACTED";

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        String query = span.getAttribute(URL_QUERY);
        if (query != null && !query.isEmpty()) {
            span.setAttribute(URL_QUERY, redact(query));
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }

    /** {@code a=1&b&c=2} as {@code a=REDACTED&b&c=REDACTED}. */
    static String redact(String query) {
        StringBuilder sb = new StringBuilder(query.length());
        for (String pair : query.split("&", -1)) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            int eq = pair.indexOf('=');
            sb.append(eq < 0 ? pair : pair.substring(0, eq + 1) + REDACTED);
        }
        return sb.toString();
    }
}
