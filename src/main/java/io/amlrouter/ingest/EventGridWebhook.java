package io.amlrouter.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.Defect;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.EventTypes;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.MlEvent;
import io.amlrouter.http.Problem;
import io.amlrouter.observability.LogContext;

/**
 * The Event Grid webhook's decisions, apart from HTTP ({@link WebhookRoute} reads the request and writes the
 * answer). Answers follow Event Grid's reading of status codes: 200 once every action is done (or failed
 * permanently), 503 with {@code Retry-After} for anything that may succeed later, 400/401/413 only for what will
 * never succeed, since Event Grid does not retry those.
 */
@ApplicationScoped
public class EventGridWebhook {

    private static final Logger LOG = Logger.getLogger(EventGridWebhook.class);

    private final IngestAuthenticator authenticator;
    private final EventDecoder decoder;
    private final EventPublisher publisher;
    private final IngestState state;
    private final IngestConfig config;
    private final IngestMetrics metrics;
    private final Refusals refusals;

    public EventGridWebhook(IngestAuthenticator authenticator, EventDecoder decoder, EventPublisher publisher,
            IngestState state, IngestConfig config, IngestMetrics metrics, Refusals refusals) {
        this.authenticator = authenticator;
        this.decoder = decoder;
        this.publisher = publisher;
        this.state = state;
        this.config = config;
        this.metrics = metrics;
        this.refusals = refusals;
    }

    /** What a delivery ({@code POST /events}) carries besides its body. */
    record Delivery(String contentType, String queryKey, String headerKey, String authorization, String subscription,
            String aegEventType) {
    }

    /**
     * The answer to a delivery. A CompletionStage rather than a Uni: each Mutiny operator made per request captured
     * and restored the request's context (ArC, MDC, OpenTelemetry); the route writes the answer on the request's
     * context either way.
     */
    CompletionStage<Answer> receive(byte[] body, Delivery delivery) {
        if (!state.accepting()) {
            return now(unavailable("shutting-down", "Shutting down", "This replica is shutting down; deliver again."));
        }
        return authenticator.authenticate(delivery.queryKey(), delivery.headerKey(), delivery.authorization())
                .thenCompose(decision -> {
                    if (decision instanceof AuthDecision.Denied denied) {
                        refusals.unauthorized(delivery.subscription(), denied.reason());
                        return now(unauthorized(denied.reason()));
                    }
                    if (decision instanceof AuthDecision.Unavailable u) {
                        refusals.authUnavailable(u.reason());
                        return now(unavailable("auth-unavailable", "Credential check unavailable",
                                "The credential could not be checked now: " + u.reason()));
                    }
                    return handle(body, delivery);
                });
    }

    private static CompletionStage<Answer> now(Answer answer) {
        return CompletableFuture.completedFuture(answer);
    }

    private CompletionStage<Answer> handle(byte[] body, Delivery delivery) {
        String contentType = delivery.contentType();
        String subscription = delivery.subscription();
        Optional<BodyFormat> format = BodyFormat.fromContentType(contentType);
        if (format.isEmpty()) {
            refusals.invalid(subscription, "unsupported-media-type", "Content-Type " + contentType);
            return now(Answer.of(Problem.of(400, "unsupported-media-type", "Unsupported content type",
                    "Content-Type \"" + contentType + "\" is not accepted: send application/json, "
                            + "application/cloudevents+json or application/cloudevents-batch+json (UTF-8)")
                    .withErrors(List.of(new Problem.FieldError("Content-Type", "unsupported: " + contentType)))));
        }
        List<Inbound> items;
        try {
            items = decoder.decodeDelivery(body, format.get());
        } catch (EventDecodingException e) {
            refusals.invalid(subscription, "invalid-body", e.getMessage());
            return now(Answer.of(Problem.of(400, "invalid-body", "Invalid event delivery",
                    "The delivery was rejected whole: " + e.defects().size() + " defect(s).")
                    .withErrors(e.defects().stream().map(EventGridWebhook::fieldError).toList())));
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
                            delivery.aegEventType());
                }
            }
        }
        if (validation != null) {
            if (items.size() > 1) {
                return now(Answer.of(Problem.of(400, "invalid-body", "Invalid event delivery",
                        "A subscription validation event is delivered alone.")));
            }
            metrics.subscriptionValidation();
            try (LogContext ignored = LogContext.ofEvent(validation.id(), EventTypes.SUBSCRIPTION_VALIDATION, null)) {
                LOG.infof("Subscription validation handshake%s: answering with the validation code (event %s)%s",
                        subscriptionSuffix(subscription), validation.id(),
                        validation.validationUrl() != null ? "; manual validation URL was offered too" : "");
            }
            return now(Answer.validationResponse(validation.validationCode()));
        }
        if (events.isEmpty()) {
            return now(Answer.ok(EventState.answer(List.of())));
        }
        for (int i = 0; i < events.size(); i++) {
            metrics.received(events.get(i));
        }
        return publisher.submit(events, config.deadline()).thenApply(states -> {
            if (states == null) {
                refusals.overloaded("refused a delivery of " + events.size() + " event(s): " + publisher.inFlight()
                        + " event(s) in flight (ingest.max-in-flight " + config.maxInFlight() + ")");
                return Answer.of(overloaded().withRetryAfter(retryAfterSeconds()));
            }
            if (states.stream().allMatch(EventState::done)) {
                return Answer.ok(EventState.answer(states));
            }
            return Answer.of(Problem.of(503, "not-finished", "Not all events were processed",
                    "Some actions failed transiently or are still running; deliver again and only what is "
                            + "still owed will run.")
                    .withRetryAfter(retryAfterSeconds()).withEvents(states));
        });
    }

    /** The CloudEvents abuse-protection handshake ({@code OPTIONS /events}). */
    Answer handshake(String origin, String requestedRate) {
        if (origin == null || origin.isBlank()) {
            return Answer.of(Problem.of(400, "invalid-handshake", "Invalid handshake",
                    "The CloudEvents abuse-protection handshake needs a WebHook-Request-Origin header.")
                    .withErrors(List.of(new Problem.FieldError("WebHook-Request-Origin", "missing"))));
        }
        List<String> allowed = config.handshake().allowedOrigins();
        boolean consent = allowed.contains("*") || allowed.stream().anyMatch(o -> o.equalsIgnoreCase(origin.trim()));
        if (!consent) {
            refusals.forbiddenOrigin(origin);
            return Answer.of(Problem.of(403, "origin-not-allowed", "Origin not allowed",
                    "This webhook does not accept deliveries from " + origin.trim() + "."))
                    .withHeader("Allow", "POST, OPTIONS");
        }
        metrics.abuseProtection();
        LOG.infof("CloudEvents abuse-protection handshake from %s (requested rate %s)", origin,
                requestedRate == null ? "unspecified" : requestedRate);
        return Answer.empty(200).withHeader("WebHook-Allowed-Origin", origin.trim())
                .withHeader("WebHook-Allowed-Rate", config.handshake().allowedRate())
                .withHeader("Allow", "POST, OPTIONS");
    }

    /** The answer to a delivery arriving while the replica is at one of its bounds (see {@link Admission}). */
    static Problem overloaded() {
        return Problem.of(503, "overloaded", "Replica overloaded",
                "This replica is at its limit of events in flight or of request bytes held; deliver again later.");
    }

    private Answer unauthorized(String reason) {
        Answer answer = Answer.of(Problem.of(401, "unauthorized", "Unauthorized", reason));
        return authenticator.expectsBearer() ? answer.withHeader("WWW-Authenticate", "Bearer") : answer;
    }

    private Answer unavailable(String slug, String title, String detail) {
        return Answer.of(Problem.of(503, slug, title, detail).withRetryAfter(retryAfterSeconds()));
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
