package io.amlrouter.routing;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.amlrouter.events.Channels;
import io.amlrouter.events.MlEvent;
import io.amlrouter.observability.LogContext;
import io.amlrouter.observability.Tracing;

/**
 * The one way onto the {@code ml-events} channel, and the one bridge between a message's acknowledgement
 * and the code that waits for it ({@link #submit}): events from the webhook and from Event Hubs (both
 * through {@code ingest.EventPublisher}) and the synthetic events the service publishes itself
 * (deployment outcomes) travel the same road to the rule router. The router acknowledges a message once
 * every action its event owes is done (or failed permanently), and nacks it when one is still owed.
 */
@ApplicationScoped
public class EventBus {

    private static final Logger LOG = Logger.getLogger(EventBus.class);

    /**
     * Room for what ingest lets in at once: ingest.max-in-flight (1000) plus one delivery taken whole
     * (ingest.json.max-events, 5000). At 4096, an idle replica's 4,500-event batch overflowed it: 404 events
     * "could not be handed to the router" and the delivery was answered 503 (LargeBatchFloodIT). The router
     * routes as many events at once, so in practice the buffer only holds events sent while it starts.
     */
    public static final int CAPACITY = 8192;

    /** What became of an event on the path. */
    public sealed interface Outcome {
        /** Every action the event owes is done or failed permanently (dead-lettered): answered as done. */
        record Done() implements Outcome {
        }

        /** Something is still owed (an action failed transiently, runs elsewhere, or the router was full). */
        record Owed(String reason) implements Outcome {
        }
    }

    private static final Outcome DONE = new Outcome.Done();
    private static final CompletableFuture<Void> ANSWERED = CompletableFuture.completedFuture(null);

    private final Emitter<MlEvent> emitter;
    private final Tracing tracing;

    public EventBus(@Channel(Channels.ML_EVENTS) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = CAPACITY)
            Emitter<MlEvent> emitter, Tracing tracing) {
        this.emitter = emitter;
        this.tracing = tracing;
    }

    /**
     * Hands an event to the router and answers with its outcome once the router acknowledges (or nacks)
     * it. Never fails: when the channel cannot take the event now (buffer full, no subscriber yet) the
     * outcome is {@link Outcome.Owed} at once. While tracing is on, the message carries the current trace
     * context (the delivery's HTTP span) to the router.
     */
    public CompletableFuture<Outcome> submit(MlEvent event) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Message<MlEvent> message = Message.of(event,
                () -> {
                    outcome.complete(DONE);
                    return ANSWERED;
                },
                reason -> {
                    outcome.complete(new Outcome.Owed(reason == null ? "not processed" : String.valueOf(reason.getMessage())));
                    return ANSWERED;
                });
        try {
            send(message);
        } catch (RuntimeException e) {
            try (LogContext ignored = EventObservability.logContext(event)) {
                LOG.warnf("Could not hand event %s to the router: %s", event.id(), e.getMessage());
            }
            outcome.complete(new Outcome.Owed("the router cannot take events now"));
        }
        return outcome;
    }

    /**
     * Hands a message to the router as it is (tests that observe the acknowledgement themselves). Throws
     * when the channel cannot take it now.
     */
    public void send(Message<MlEvent> message) {
        emitter.send(tracing.carry(message));
    }
}
