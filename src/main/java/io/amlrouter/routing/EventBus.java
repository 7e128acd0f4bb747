package io.amlrouter.routing;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.amlrouter.events.Channels;
import io.amlrouter.events.MlEvent;
import io.amlrouter.observability.Tracing;

/**
 * The one way onto the {@code ml-events} channel: events from the webhook and the synthetic events
 * the service publishes itself (deployment outcomes) travel the same road to the rule router. A
 * message is acknowledged once every action its event owes is done (or failed permanently), and
 * nacked when one failed transiently.
 */
@ApplicationScoped
public class EventBus {

    private final Emitter<MlEvent> emitter;
    private final Tracing tracing;

    // Room for what ingest lets in at once: ingest.max-in-flight (1000) plus one delivery taken whole
    // (ingest.json.max-events, 5000). At 4096, an idle replica's 4,500-event batch overflowed it: 404 events
    // "could not be handed to the router" and the delivery was answered 503 (LargeBatchFloodIT).
    public EventBus(@Channel(Channels.ML_EVENTS) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
            Emitter<MlEvent> emitter, Tracing tracing) {
        this.emitter = emitter;
        this.tracing = tracing;
    }

    /**
     * Hands a message to the router. Throws when the channel cannot take it now (buffer full, no
     * subscriber yet): the caller answers or retries later. While tracing is on, the message carries the
     * current trace context (the delivery's HTTP span) to the router.
     */
    public void send(Message<MlEvent> message) {
        emitter.send(tracing.carry(message));
    }
}
