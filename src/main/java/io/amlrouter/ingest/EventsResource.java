package io.amlrouter.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.Defect;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.EventTypes;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.MlEvent;
import io.amlrouter.http.Problem;
import io.amlrouter.http.Problems;
import io.amlrouter.observability.LogContext;

/**
 * The Event Grid webhook. Answers follow Event Grid's reading of status codes: 200 once every action
 * is done (or failed permanently), 503 with {@code Retry-After} for anything that may succeed later,
 * 400/401/413 only for what will never succeed, since Event Grid does not retry those.
 */
@Path("/events")
public class EventsResource {

    private static final Logger LOG = Logger.getLogger(EventsResource.class);

    private final IngestAuthenticator authenticator;
    private final EventDecoder decoder;
    private final EventPublisher publisher;
    private final IngestState state;
    private final IngestConfig config;
    private final IngestMetrics metrics;
    private final Refusals refusals;

    public EventsResource(IngestAuthenticator authenticator, EventDecoder decoder, EventPublisher publisher,
            IngestState state, IngestConfig config, IngestMetrics metrics, Refusals refusals) {
        this.authenticator = authenticator;
        this.decoder = decoder;
        this.publisher = publisher;
        this.state = state;
        this.config = config;
        this.metrics = metrics;
        this.refusals = refusals;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> receive(byte[] body, @HeaderParam("Content-Type") String contentType,
            @QueryParam("key") String queryKey, @HeaderParam("X-Event-Key") String headerKey,
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("aeg-subscription-name") String subscription,
            @HeaderParam("aeg-event-type") String aegEventType) {
        long start = System.nanoTime();
        return answer(body, contentType, queryKey, headerKey, authorization, subscription, aegEventType)
                .thenApply(response -> observe(response, start));
    }

    // CompletionStage rather than Uni on this path: each Mutiny operator made per request captured and restored
    // the request's context (ArC, MDC, OpenTelemetry). The answer is written on the request's context either
    // way: RESTEasy Reactive resumes the request there.
    private CompletionStage<Response> answer(byte[] body, String contentType, String queryKey, String headerKey,
            String authorization, String subscription, String aegEventType) {
        if (!state.accepting()) {
            return now(unavailable("shutting-down", "Shutting down", "This replica is shutting down; deliver again."));
        }
        return authenticator.authenticate(queryKey, headerKey, authorization).thenCompose(decision -> {
            if (decision instanceof AuthDecision.Denied denied) {
                refusals.unauthorized(subscription, denied.reason());
                return now(unauthorized(denied.reason()));
            }
            if (decision instanceof AuthDecision.Unavailable u) {
                refusals.authUnavailable(u.reason());
                return now(unavailable("auth-unavailable", "Credential check unavailable",
                        "The credential could not be checked now: " + u.reason()));
            }
            return handle(body, contentType, subscription, aegEventType);
        });
    }

    private static CompletionStage<Response> now(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    private CompletionStage<Response> handle(byte[] body, String contentType, String subscription, String aegEventType) {
        Optional<BodyFormat> format = BodyFormat.fromContentType(contentType);
        if (format.isEmpty()) {
            refusals.invalid(subscription, "unsupported-media-type", "Content-Type " + contentType);
            return now(Problems.response(Problem.of(400, "unsupported-media-type",
                    "Unsupported content type",
                    "Content-Type \"" + contentType + "\" is not accepted: send application/json, "
                            + "application/cloudevents+json or application/cloudevents-batch+json (UTF-8)")
                    .withErrors(List.of(new Problem.FieldError("Content-Type", "unsupported: " + contentType)))));
        }
        List<Inbound> items;
        try {
            items = decoder.decodeDelivery(body, format.get());
        } catch (EventDecodingException e) {
            refusals.invalid(subscription, "invalid-body", e.getMessage());
            return now(Problems.response(Problem.of(400, "invalid-body", "Invalid event delivery",
                    "The delivery was rejected whole: " + e.defects().size() + " defect(s).")
                    .withErrors(e.defects().stream().map(EventsResource::fieldError).toList())));
        }
        List<MlEvent> events = new ArrayList<>(items.size());
        Inbound.SubscriptionValidation validation = null;
        for (Inbound item : items) {
            if (item instanceof Inbound.Notification n) {
                events.add(n.event());
            } else if (item instanceof Inbound.SubscriptionValidation v) {
                validation = v;
            } else if (item instanceof Inbound.SubscriptionDeletion d) {
                try (LogContext ignored = LogContext.ofEvent(d.id(), EventTypes.SUBSCRIPTION_DELETED, null)) {
                    LOG.warnf("Event Grid reports that subscription %s was deleted (event %s, header aeg-event-type=%s)",
                            d.eventSubscriptionId() != null ? d.eventSubscriptionId() : subscription, d.id(),
                            aegEventType);
                }
            }
        }
        if (validation != null) {
            if (items.size() > 1) {
                return now(Problems.response(Problem.of(400, "invalid-body", "Invalid event delivery",
                        "A subscription validation event is delivered alone.")));
            }
            metrics.subscriptionValidation();
            try (LogContext ignored = LogContext.ofEvent(validation.id(), EventTypes.SUBSCRIPTION_VALIDATION, null)) {
                LOG.infof("Subscription validation handshake%s: answering with the validation code (event %s)%s",
                        subscriptionSuffix(subscription), validation.id(),
                        validation.validationUrl() != null ? "; manual validation URL was offered too" : "");
            }
            return now(Response.ok(Map.of("validationResponse", validation.validationCode()))
                    .type(MediaType.APPLICATION_JSON).build());
        }
        if (events.isEmpty()) {
            return now(Response.ok(EventState.answer(List.of()), MediaType.APPLICATION_JSON_TYPE).build());
        }
        for (int i = 0; i < events.size(); i++) {
            metrics.received(events.get(i));
        }
        return publisher.submit(events, config.deadline()).thenApply(states -> {
            if (states == null) {
                refusals.overloaded("refused a delivery of " + events.size() + " event(s): " + publisher.inFlight()
                        + " event(s) in flight (ingest.max-in-flight " + config.maxInFlight() + ")");
                return Problems.response(overloaded().withRetryAfter(retryAfterSeconds()));
            }
            if (states.stream().allMatch(EventState::done)) {
                return Response.ok(EventState.answer(states), MediaType.APPLICATION_JSON_TYPE).build();
            }
            return Problems.response(Problem.of(503, "not-finished", "Not all events were processed",
                    "Some actions failed transiently or are still running; deliver again and only what is "
                            + "still owed will run.")
                    .withRetryAfter(retryAfterSeconds()).withEvents(states));
        });
    }

    @OPTIONS
    public Response abuseProtection(@HeaderParam("WebHook-Request-Origin") String origin,
            @HeaderParam("WebHook-Request-Rate") String requestedRate) {
        long start = System.nanoTime();
        Response response = handshake(origin, requestedRate);
        observe(response, start);
        return response;
    }

    private Response handshake(String origin, String requestedRate) {
        if (origin == null || origin.isBlank()) {
            return Problems.response(Problem.of(400, "invalid-handshake", "Invalid handshake",
                    "The CloudEvents abuse-protection handshake needs a WebHook-Request-Origin header.")
                    .withErrors(List.of(new Problem.FieldError("WebHook-Request-Origin", "missing"))));
        }
        List<String> allowed = config.handshake().allowedOrigins();
        boolean consent = allowed.contains("*") || allowed.stream().anyMatch(o -> o.equalsIgnoreCase(origin.trim()));
        if (!consent) {
            refusals.forbiddenOrigin(origin);
            return Response.fromResponse(Problems.response(Problem.of(403, "origin-not-allowed", "Origin not allowed",
                    "This webhook does not accept deliveries from " + origin.trim() + ".")))
                    .header("Allow", "POST, OPTIONS").build();
        }
        metrics.abuseProtection();
        LOG.infof("CloudEvents abuse-protection handshake from %s (requested rate %s)", origin,
                requestedRate == null ? "unspecified" : requestedRate);
        return Response.ok().header("WebHook-Allowed-Origin", origin.trim())
                .header("WebHook-Allowed-Rate", config.handshake().allowedRate())
                .header("Allow", "POST, OPTIONS").build();
    }

    /** Counts an answer: its time, and its reason when it is a problem document. */
    private Response observe(Response response, long start) {
        if (response.getEntity() instanceof Problem problem) {
            metrics.rejected(problem);
        }
        metrics.answered(response.getStatus(), start);
        return response;
    }

    /** The answer to a delivery arriving while the replica is at one of its bounds (see {@link Admission}). */
    static Problem overloaded() {
        return Problem.of(503, "overloaded", "Replica overloaded",
                "This replica is at its limit of events in flight or of request bytes held; deliver again later.");
    }

    private Response unauthorized(String reason) {
        Response.ResponseBuilder builder = Response.fromResponse(Problems.response(Problem.of(401, "unauthorized",
                "Unauthorized", reason)));
        if (authenticator.expectsBearer()) {
            builder.header("WWW-Authenticate", "Bearer");
        }
        return builder.build();
    }

    private Response unavailable(String slug, String title, String detail) {
        return Problems.response(Problem.of(503, slug, title, detail).withRetryAfter(retryAfterSeconds()));
    }

    private int retryAfterSeconds() {
        return (int) Math.max(1, config.retryAfter().toSeconds());
    }

    private static Problem.FieldError fieldError(Defect d) {
        return new Problem.FieldError(d.field(), d.reason());
    }

    private static String subscriptionSuffix(String subscription) {
        return subscription == null ? "" : " from subscription " + subscription;
    }
}
