package io.amlrouter.ingest.eventhubs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ingest.EventPublisher;
import io.amlrouter.ingest.EventState;
import io.amlrouter.ingest.IngestMetrics;
import io.amlrouter.ingest.IngestState;
import io.amlrouter.observability.LogContext;
import io.amlrouter.routing.EventObservability;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The Event Hubs ingest: each record of the {@code eventhubs} channel is decoded with the webhook's decoder
 * and handed to {@link EventPublisher}, today's path into the router (the bridge this ingest shares with the
 * webhook: it resolves when the router acknowledges the event, i.e. every action is done or dead-lettered,
 * or nacks it). Then:
 * <ul>
 * <li>done: the record is acknowledged; the connector's {@code throttled} commit strategy commits a
 * partition's offset only up to the first record not yet acknowledged, so a commit never passes a record
 * whose actions are owed ({@link ForwardOnlyCommits}: and never moves an offset back);</li>
 * <li>an action failed transiently (or was still running): the record is attempted again on the router's own
 * schedule ({@link Backoff}) while the partition's later records go on (records are processed concurrently,
 * at most {@code ingest.eventhubs.max-in-flight} per replica); past {@code retry.max-attempts} the actions
 * still owed become dead letters in the ledger and the record goes to the dead-letter topic;</li>
 * <li>not an event: to the dead-letter topic at once (nack; the connector's dead-letter-queue strategy).</li>
 * </ul>
 * Redelivered records (after a rebalance or a crash) run only what the ledger says is still owed.
 */
@ApplicationScoped
public class EventHubsConsumer {

    private static final Logger LOG = Logger.getLogger(EventHubsConsumer.class);

    private final RecordDecoder decoder;
    private final EventPublisher publisher;
    private final IngestState state;
    private final EventHubsConfig config;
    private final EventHubsMetrics metrics;
    private final IngestMetrics ingestMetrics;
    private final LedgerDeadLetters deadLetters;
    private final int maxInFlight;

    private final Object window = new Object();
    private int inFlight;
    private CompletableFuture<Void> gate;
    private final Map<Long, Cancellable> sleeping = new ConcurrentHashMap<>();
    private final Map<Long, Message<byte[]>> sleepingRecords = new ConcurrentHashMap<>();
    private final AtomicLong sleepIds = new AtomicLong();
    private volatile boolean stopping;

    public EventHubsConsumer(EventDecoder decoder, EventPublisher publisher, IngestState state, EventHubsConfig config,
            EventHubsMetrics metrics, IngestMetrics ingestMetrics, LedgerDeadLetters deadLetters) {
        this.decoder = new RecordDecoder(decoder);
        this.publisher = publisher;
        this.state = state;
        this.config = config;
        this.metrics = metrics;
        this.ingestMetrics = ingestMetrics;
        this.deadLetters = deadLetters;
        this.maxInFlight = Math.max(1, config.maxInFlight());
        metrics.inFlight(this::inFlight);
    }

    /** Records being processed now on this replica (waiting for a retry included). */
    public int inFlight() {
        synchronized (window) {
            return inFlight;
        }
    }

    /**
     * Starts processing the record and answers when the next one may be taken: at once below the in-flight
     * bound, else when a record finishes (the connector then stops fetching and pauses its partitions).
     */
    @Incoming(EventHubsKafkaConfig.CHANNEL)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> consume(Message<byte[]> message) {
        Source source = Source.of(message);
        if (stopping || !state.accepting()) {
            // Not started, not acknowledged: not committed, so the partition's next owner reads it.
            metrics.record(EventHubsMetrics.Outcome.RELEASED);
            return CompletableFuture.completedFuture(null);
        }
        synchronized (window) {
            inFlight++;
        }
        try {
            start(message, source);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Record %s could not be processed; it goes to the dead-letter topic", source);
            finish(message.nack(e), EventHubsMetrics.Outcome.POISON);
        }
        synchronized (window) {
            if (inFlight < maxInFlight) {
                return CompletableFuture.completedFuture(null);
            }
            gate = new CompletableFuture<>();
            return gate;
        }
    }

    private void start(Message<byte[]> message, Source source) {
        List<Inbound> items;
        try {
            items = decoder.decode(message.getPayload(), source.headers());
        } catch (EventDecodingException e) {
            String reason = "not an event: " + e.getMessage();
            LOG.warnf("Record %s is not an acceptable event (%s); it goes to the dead-letter topic %s", source,
                    e.getMessage(), config.deadLetterTopicName());
            finish(message.nack(new DeadLetterReason(reason)), EventHubsMetrics.Outcome.POISON);
            return;
        }
        List<MlEvent> events = new ArrayList<>(items.size());
        for (Inbound item : items) {
            if (item instanceof Inbound.Notification n) {
                events.add(decoder.withDelivery(n.event(), source.headers(), source.where()));
            } else {
                // Event Grid validates an event hub destination itself; its control events are not sent
                // there, but a record holding one is said so and committed, never dropped silently.
                LOG.infof("Record %s holds Event Grid control event %s (%s); nothing to route", source, item.id(),
                        item.getClass().getSimpleName());
            }
        }
        if (events.isEmpty()) {
            finish(message.ack(), EventHubsMetrics.Outcome.CONTROL);
            return;
        }
        for (MlEvent e : events) {
            ingestMetrics.received(e);
            if (LOG.isDebugEnabled()) {
                try (LogContext ignored = EventObservability.logContext(e)) {
                    LOG.debugf("Event %s from record %s, Event Grid headers %s", e.id(), source,
                            source.headers().eventGrid());
                }
            }
        }
        attempt(message, source, events, 1);
    }

    private void attempt(Message<byte[]> message, Source source, List<MlEvent> events, int attempt) {
        publisher.publish(events, config.retry().attemptTimeout()).subscribe().with(
                states -> settle(message, source, events, attempt, states, null),
                failure -> settle(message, source, events, attempt, null, failure));
    }

    private void settle(Message<byte[]> message, Source source, List<MlEvent> events, int attempt,
            List<EventState> states, Throwable failure) {
        if (failure == null && states != null && states.stream().allMatch(EventState::done)) {
            finish(message.ack(), EventHubsMetrics.Outcome.DONE);
            return;
        }
        String why = failure != null ? String.valueOf(failure.getMessage())
                : states == null ? "this replica is at ingest.max-in-flight"
                        : String.join("; ", states.stream().filter(s -> !s.done())
                                .map(s -> s.id() + " " + s.state() + (s.detail() == null ? "" : ": " + s.detail())).toList());
        if (stopping) {
            release(message, source, why);
            return;
        }
        if (attempt >= config.retry().maxAttempts()) {
            String reason = "actions still owed after " + attempt + " attempt(s): " + why;
            LOG.warnf("Record %s: %s; its owed actions become dead letters and the record goes to the dead-letter "
                    + "topic %s", source, reason, config.deadLetterTopicName());
            deadLetters.record(events, reason).subscribe().with(
                    n -> finish(message.nack(new DeadLetterReason(reason)), EventHubsMetrics.Outcome.DEAD_LETTERED),
                    f -> {
                        LOG.warnf("Record %s: the ledger could not record its dead letters (%s)", source, f.getMessage());
                        finish(message.nack(new DeadLetterReason(reason)), EventHubsMetrics.Outcome.DEAD_LETTERED);
                    });
            return;
        }
        Duration delay = Backoff.delay(config.retry(), attempt, () -> ThreadLocalRandom.current().nextDouble());
        metrics.retried();
        LOG.infof("Record %s, attempt %d of %d unfinished (%s); next attempt in %d ms, the partition goes on", source,
                attempt, config.retry().maxAttempts(), why, delay.toMillis());
        long id = sleepIds.incrementAndGet();
        sleepingRecords.put(id, message);
        Cancellable timer = Uni.createFrom().voidItem().onItem().delayIt().by(delay).subscribe().with(ignored -> {
            if (sleepingRecords.remove(id) == null) {
                return; // released by the shutdown
            }
            sleeping.remove(id);
            if (stopping) {
                release(message, source, why);
            } else {
                attempt(message, source, events, attempt + 1);
            }
        });
        sleeping.put(id, timer);
        if (!sleepingRecords.containsKey(id)) {
            sleeping.remove(id); // it fired already
        }
    }

    private void release(Message<byte[]> message, Source source, String why) {
        LOG.infof("Record %s released unfinished at shutdown (%s): not committed, read again by the partition's "
                + "next owner", source, why);
        metrics.record(EventHubsMetrics.Outcome.RELEASED);
        done();
    }

    private void finish(CompletionStage<Void> settled, EventHubsMetrics.Outcome outcome) {
        settled.whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.warnf("A record could not be settled (%s): it stays uncommitted and is read again",
                        failure.getMessage());
            }
            metrics.record(outcome);
            done();
        });
    }

    private void done() {
        CompletableFuture<Void> open = null;
        synchronized (window) {
            inFlight--;
            if (gate != null && inFlight < maxInFlight) {
                open = gate;
                gate = null;
            }
        }
        if (open != null) {
            open.complete(null);
        }
    }

    /**
     * Shutdown, before {@code ShutdownDrain} waits for the events in flight: no record is started any more,
     * and records waiting for a retry are released at once (unacknowledged, so uncommitted). Records whose
     * actions are running finish within the drain and are acknowledged; the connector commits what is
     * acknowledged when it closes, after this.
     */
    void onShutdown(@Observes @Priority(Interceptor.Priority.APPLICATION + 500) ShutdownEvent event) {
        stopping = true;
        int released = 0;
        for (Long id : List.copyOf(sleeping.keySet())) {
            Cancellable timer = sleeping.remove(id);
            Message<byte[]> message = sleepingRecords.remove(id);
            if (timer != null && message != null) {
                timer.cancel();
                release(message, Source.of(message), "waiting for a retry");
                released++;
            }
        }
        if (inFlight() > 0 || released > 0) {
            LOG.infof("Event Hubs ingest stopping: %d record(s) released, %d still running (their actions get the "
                    + "shutdown drain)", released, inFlight());
        }
    }

    /** Where a record came from, for logs: {@code topic/partition@offset}, and its headers. */
    record Source(String where, RecordHeaders headers) {

        @SuppressWarnings("unchecked")
        static Source of(Message<byte[]> message) {
            IncomingKafkaRecordMetadata<?, ?> meta = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
            if (meta == null) {
                return new Source("(no record metadata)", RecordHeaders.of(null));
            }
            return new Source(meta.getTopic() + "/" + meta.getPartition() + "@" + meta.getOffset(),
                    RecordHeaders.of(meta.getHeaders()));
        }

        @Override
        public String toString() {
            return where;
        }
    }

    /** The reason a record goes to the dead-letter topic (its {@code dead-letter-reason} header). */
    static final class DeadLetterReason extends RuntimeException {
        DeadLetterReason(String message) {
            super(message, null, false, false);
        }
    }
}
