package io.amlrouter.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.http.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * Refuses a body whose declared length is over {@code quarkus.http.limits.max-body-size} before a
 * byte of it is read, with a 413 problem document. (A chunked body that grows past the limit is cut
 * off by Quarkus itself, also with 413.)
 */
@ApplicationScoped
public class BodyLimit {

    /** The answer to a body over the limit (also for a chunked body found too large while it is read). */
    static Problem tooLarge(long max) {
        return Problem.of(413, "body-too-large", "Body too large", "The body is larger than the limit of " + max + " bytes.");
    }

    void install(@Observes Router router,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "1M") MemorySize limit,
            ObjectMapper mapper, IngestMetrics metrics) throws JsonProcessingException {
        long max = limit.asLongValue();
        Problem tooLarge = tooLarge(max);
        String body = mapper.writeValueAsString(tooLarge);
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
                    if ("/events".equals(ctx.normalizedPath())) {
                        metrics.rejected(tooLarge);
                        metrics.answered(413, System.nanoTime());
                    }
                    ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                            .putHeader(HttpHeaders.CONNECTION, "close").end(body);
                    return;
                }
            }
            ctx.next();
        });
    }
}
