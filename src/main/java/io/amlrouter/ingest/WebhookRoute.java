package io.amlrouter.ingest;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.http.Problem;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /events} and {@code OPTIONS /events} as routes of Quarkus' Vert.x router: reads the body (at most
 * {@code quarkus.http.limits.max-body-size}), hands the request to {@link EventGridWebhook}, writes its
 * {@link Answer} on the request's context and counts it. A route rather than a Quarkus REST resource: at one event
 * per delivery the resource's per-request machinery (request scope, parameter extraction, writer lookup, the
 * security and response filter chain) cost about a quarter of the delivery's CPU (docs/performance.md, change 16).
 * Runs after {@link BodyLimit} and {@link Admission}; {@code GET /events} (the history) stays a REST resource.
 */
@ApplicationScoped
public class WebhookRoute {

    private static final Logger LOG = Logger.getLogger(WebhookRoute.class);
    private static final String JSON = "application/json";

    private final EventGridWebhook webhook;
    private final IngestMetrics metrics;
    private final ObjectMapper mapper;
    private final BodyLimit bodyLimit;
    private final long maxBody;

    public WebhookRoute(EventGridWebhook webhook, IngestMetrics metrics, ObjectMapper mapper, BodyLimit bodyLimit) {
        this.webhook = webhook;
        this.metrics = metrics;
        this.mapper = mapper;
        this.bodyLimit = bodyLimit;
        this.maxBody = bodyLimit.max();
    }

    void install(@Observes Router router) {
        router.route(HttpMethod.POST, "/events").order(Integer.MIN_VALUE + 102).handler(this::deliver);
        router.route(HttpMethod.OPTIONS, "/events").order(Integer.MIN_VALUE + 102).handler(this::handshake);
    }

    private void deliver(RoutingContext ctx) {
        long start = System.nanoTime();
        HttpServerRequest request = ctx.request();
        EventGridWebhook.Delivery delivery = new EventGridWebhook.Delivery(
                request.getHeader(HttpHeaders.CONTENT_TYPE), ctx.queryParams().get("key"),
                request.getHeader("X-Event-Key"), request.getHeader(HttpHeaders.AUTHORIZATION),
                request.getHeader("aeg-subscription-name"), request.getHeader("aeg-event-type"));
        Context context = Vertx.currentContext();
        readBody(ctx, start, body -> {
            CompletionStage<Answer> answer;
            try {
                answer = webhook.receive(body, delivery);
            } catch (RuntimeException e) {
                failed(ctx, start, e);
                return;
            }
            answer.whenComplete((a, failure) -> {
                if (Vertx.currentContext() == context) {
                    finish(ctx, start, a, failure);
                } else {
                    context.runOnContext(ignored -> finish(ctx, start, a, failure));
                }
            });
        });
    }

    private void finish(RoutingContext ctx, long start, Answer answer, Throwable failure) {
        if (failure != null) {
            failed(ctx, start, failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure);
        } else {
            write(ctx, start, answer);
        }
    }

    private void handshake(RoutingContext ctx) {
        long start = System.nanoTime();
        HttpServerRequest request = ctx.request();
        write(ctx, start, webhook.handshake(request.getHeader("WebHook-Request-Origin"),
                request.getHeader("WebHook-Request-Rate")));
    }

    /**
     * Collects the body; one over the limit (a chunked body: a declared length over it was refused by
     * {@link BodyLimit} already) gets BodyLimit's 413 and the connection is closed, as Quarkus does for its
     * resources.
     */
    private void readBody(RoutingContext ctx, long start, Consumer<byte[]> then) {
        HttpServerRequest request = ctx.request();
        if (request.isEnded()) { // read already, by a body handler of another extension
            Buffer read = ctx.body() == null ? null : ctx.body().buffer();
            then.accept(read == null ? new byte[0] : read.getBytes());
            return;
        }
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        Buffer body = Buffer.buffer(initialCapacity(declared));
        boolean[] over = new boolean[1];
        request.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxBody) {
                over[0] = true;
                bodyLimit.refuse(ctx, true, start).onComplete(sent -> {
                    if (request.version() != HttpVersion.HTTP_2) {
                        request.connection().close(); // the rest of the body is not read
                    }
                });
                return;
            }
            body.appendBuffer(chunk);
        });
        if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
            ctx.response().writeContinue(); // what a resource's body reading does too
        }
        request.endHandler(ignored -> {
            if (!over[0]) {
                then.accept(body.getBytes());
            }
        });
        request.resume();
    }

    private static int initialCapacity(String declared) {
        if (declared != null) {
            try {
                return (int) Math.min(Math.max(0, Long.parseLong(declared.trim())), 1 << 20);
            } catch (NumberFormatException e) {
                // chunked or malformed: grow as it comes
            }
        }
        return 1024;
    }

    /** Writes the answer and counts it: its time, and its reason when it is a problem document. */
    private void write(RoutingContext ctx, long start, Answer answer) {
        Problem problem = answer.problem();
        if (problem != null) {
            metrics.rejected(problem);
        }
        metrics.answered(answer.status(), start);
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return; // the caller went away: the work is done and recorded; Event Grid delivers again if it must
        }
        response.setStatusCode(answer.status());
        for (Map.Entry<String, String> header : answer.headers()) {
            response.putHeader(header.getKey(), header.getValue());
        }
        if (problem != null) {
            if (problem.retryAfterSeconds() != null) {
                response.putHeader("Retry-After", String.valueOf(problem.retryAfterSeconds()));
            }
            byte[] json;
            try {
                json = mapper.writeValueAsBytes(problem);
            } catch (JsonProcessingException e) {
                failed(ctx, start, e);
                return;
            }
            response.putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).end(Buffer.buffer(json));
        } else if (answer.json() != null) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Buffer.buffer(answer.json()));
        } else {
            response.end();
        }
    }

    /**
     * A fault of ours: 500, which Event Grid retries (never a 4xx, which it would not), with the error logged;
     * nothing of the delivery was acknowledged.
     */
    private void failed(RoutingContext ctx, long start, Throwable failure) {
        LOG.error("Answering a delivery failed (answered 500, which Event Grid delivers again)", failure);
        Problem problem = Problem.of(500, "internal-error", "Internal error",
                "The delivery could not be processed because of an error on this replica; deliver again.");
        write(ctx, start, Answer.of(problem));
    }
}
