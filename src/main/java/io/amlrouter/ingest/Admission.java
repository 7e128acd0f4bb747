package io.amlrouter.ingest;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.http.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Admits a delivery ({@code POST /events}) before its body is read, so a flood of large batches from
 * many connections cannot fill the heap: while {@code ingest.max-in-flight} events are in flight, or
 * {@code ingest.max-buffered-bytes} of bodies are held, the delivery is answered 503 {@code overloaded}
 * with {@code Retry-After} at once, the same answer as when the events would exceed the bound after
 * parsing. Otherwise its bytes ({@code Content-Length}; for a chunked body, the body size limit) are
 * reserved until it is answered. Runs after {@code BodyLimit} (413 for a declared length over the
 * limit) and before Quarkus REST reads the body.
 */
@ApplicationScoped
public class Admission {

    private final AtomicLong buffered = new AtomicLong();
    private final EventPublisher publisher;
    private final Refusals refusals;
    private final IngestMetrics metrics;
    private final long maxBuffered;
    private final int maxInFlight;
    private final int retryAfterSeconds;

    public Admission(EventPublisher publisher, Refusals refusals, IngestMetrics metrics, IngestConfig config) {
        this.publisher = publisher;
        this.refusals = refusals;
        this.metrics = metrics;
        this.maxBuffered = config.maxBufferedBytes().asLongValue();
        this.maxInFlight = config.maxInFlight();
        this.retryAfterSeconds = (int) Math.max(1, config.retryAfter().toSeconds());
    }

    /** Bytes of bodies held now (being read, parsed or processed). */
    public long buffered() {
        return buffered.get();
    }

    void install(@Observes Router router,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "1M") MemorySize bodyLimit,
            ObjectMapper mapper) throws JsonProcessingException {
        long unknownLength = bodyLimit.asLongValue();
        Problem overloaded = EventGridWebhook.overloaded().withRetryAfter(retryAfterSeconds);
        String body = mapper.writeValueAsString(overloaded);
        router.route(HttpMethod.POST, "/events").order(Integer.MIN_VALUE + 101)
                .handler(ctx -> admit(ctx, unknownLength, overloaded, body));
    }

    private void admit(RoutingContext ctx, long unknownLength, Problem overloaded, String body) {
        long start = System.nanoTime();
        long declared = declaredLength(ctx);
        long bytes = declared >= 0 ? declared : unknownLength;
        int inFlight = publisher.inFlight();
        String refusal = null;
        if (inFlight >= maxInFlight) {
            refusal = "refused a delivery of " + bytes + " bytes before reading it: " + inFlight
                    + " event(s) in flight (ingest.max-in-flight " + maxInFlight + ")";
        } else {
            long held = buffered.getAndAdd(bytes);
            if (held >= maxBuffered) {
                buffered.addAndGet(-bytes);
                refusal = "refused a delivery of " + bytes + " bytes before reading it: " + held
                        + " bytes of bodies held (ingest.max-buffered-bytes " + maxBuffered + ")";
            }
        }
        if (refusal != null) {
            refusals.overloaded(refusal);
            metrics.rejected(overloaded);
            metrics.answered(503, start);
            ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader("Retry-After", String.valueOf(retryAfterSeconds)).end(body);
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        ctx.addEndHandler(ignored -> {
            if (released.compareAndSet(false, true)) {
                buffered.addAndGet(-bytes);
            }
        });
        ctx.next();
    }

    private static long declaredLength(RoutingContext ctx) {
        String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared == null) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(declared.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
