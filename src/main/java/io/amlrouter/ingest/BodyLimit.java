package io.amlrouter.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.http.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a body whose declared length is over {@code quarkus.http.limits.max-body-size} before a
 * byte of it is read, with a 413 problem document. A chunked body that grows past the limit gets the
 * same answer from {@link WebhookRoute} on {@code POST /events}, which reads it ({@link #refuse}).
 */
@ApplicationScoped
public class BodyLimit {

    private final long max;
    private final Problem tooLarge;
    private final String body;
    private final IngestMetrics metrics;

    BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "1M") MemorySize limit,
            ObjectMapper mapper, IngestMetrics metrics) throws JsonProcessingException {
        this.max = limit.asLongValue();
        this.tooLarge = Problem.of(413, "body-too-large", "Body too large",
                "The body is larger than the limit of " + max + " bytes.");
        this.body = mapper.writeValueAsString(tooLarge);
        this.metrics = metrics;
    }

    /** The limit, in bytes. */
    long max() {
        return max;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 100).handler(ctx -> {
            String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (declared != null) {
                long length;
                try {
                    length = Long.parseLong(declared.trim());
                } catch (NumberFormatException e) {
                    length = -1;
                }
                if (length > max) {
                    refuse(ctx, "/events".equals(ctx.normalizedPath()), System.nanoTime());
                    return;
                }
            }
            ctx.next();
        });
    }

    /**
     * Answers 413 with the problem document and {@code Connection: close}; counted in the webhook's metrics when
     * the request is a delivery ({@code startNanos}: its arrival).
     */
    Future<Void> refuse(RoutingContext ctx, boolean delivery, long startNanos) {
        if (delivery) {
            metrics.rejected(tooLarge);
            metrics.answered(413, startNanos);
        }
        return ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close").end(body);
    }
}
