package io.amlrouter.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.amlrouter.events.MlEvent;
import io.amlrouter.observability.LogContext;
import io.amlrouter.routing.EventBus;
import io.amlrouter.routing.EventObservability;
import io.smallrye.mutiny.Uni;

/**
 * Puts accepted events on the {@code ml-events} channel and waits for their acknowledgement, which
 * the router gives only once every action of the event is done (or failed permanently). An event whose
 * id is already in flight on this replica joins that work instead of starting it twice. The number of
 * events in flight is bounded: above it, a delivery is refused at once (503) rather than queued.
 */
@ApplicationScoped
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    private final EventBus bus;
    private final ConcurrentHashMap<String, CompletableFuture<EventBus.Outcome>> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger inFlightCount = new AtomicInteger();
    private final int maxInFlight;
    private final IngestMetrics metrics;

    public EventPublisher(EventBus bus, IngestConfig config, IngestMetrics metrics) {
        this.bus = bus;
        this.maxInFlight = config.maxInFlight();
        this.metrics = metrics;
    }

    /** Events being processed now on this replica. */
    public int inFlight() {
        return inFlightCount.get();
    }

    /**
     * Publishes the events and answers with each one's state once all are acknowledged or the
     * deadline passes, whichever comes first. Null when the replica is too busy to take them.
     * Public for the history API's replay, which routes a recorded event through this same path.
     */
    public Uni<List<EventState>> publish(List<MlEvent> events, Duration deadline) {
        return Uni.createFrom().completionStage(submit(events, deadline));
    }

    /**
     * {@link #publish} without Mutiny, for the webhook's path: the states of the events, completed where the
     * last outcome (or the deadline) completes it; completed with null at once when the replica is too busy.
     */
    public CompletionStage<List<EventState>> submit(List<MlEvent> events, Duration deadline) {
        int fresh = (int) events.stream().filter(e -> !inFlight.containsKey(e.id())).count();
        // Refuse when the replica is already at its bound, not when this delivery would cross it: a batch
        // larger than the bound must still be taken when the replica is idle, or Event Grid could never
        // deliver it. In flight therefore stays below max-in-flight plus one delivery (5,000 events).
        if (fresh > 0 && inFlightCount.getAndAdd(fresh) >= maxInFlight) {
            inFlightCount.addAndGet(-fresh);
            return CompletableFuture.completedFuture(null);
        }
        int reserved = fresh;
        List<CompletableFuture<EventBus.Outcome>> outcomes = new ArrayList<>(events.size());
        for (MlEvent event : events) {
            CompletableFuture<EventBus.Outcome> mine = new CompletableFuture<>();
            CompletableFuture<EventBus.Outcome> running = inFlight.putIfAbsent(event.id(), mine);
            if (running != null) {
                metrics.joinedInFlight();
                if (LOG.isDebugEnabled()) {
                    try (LogContext ignored = EventObservability.logContext(event)) {
                        LOG.debugf("Event %s is already being processed; this delivery joins it", event.id());
                    }
                }
                outcomes.add(running);
                continue;
            }
            reserved--;
            mine.whenComplete((o, t) -> {
                inFlight.remove(event.id(), mine);
                inFlightCount.decrementAndGet();
            });
            outcomes.add(mine);
            // The bus never fails: an event it cannot take is owed at once (answered 503).
            bus.submit(event).thenAccept(mine::complete);
        }
        if (reserved != 0) {
            // Another delivery started or finished one of these ids between the count and the loop.
            inFlightCount.addAndGet(-reserved);
        }
        // One future for the answer, completed by the last outcome or at the deadline (a copy: completing it at the
        // deadline must not complete an outcome another delivery shares). A chain of Mutiny operators here (timeout,
        // two recoveries, map) cost a context capture each per delivery.
        CompletableFuture<?> all = outcomes.size() == 1 ? outcomes.get(0).copy()
                : CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new));
        return all.completeOnTimeout(null, deadline.toNanos(), TimeUnit.NANOSECONDS)
                .handle((ignored, failure) -> states(events, outcomes));
    }

    private static List<EventState> states(List<MlEvent> events, List<CompletableFuture<EventBus.Outcome>> outcomes) {
        List<EventState> states = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            MlEvent e = events.get(i);
            EventBus.Outcome o = outcomes.get(i).getNow(null);
            if (o == null) {
                states.add(new EventState(e.id(), e.type(), EventState.PENDING, "still being processed at the deadline"));
            } else if (o instanceof EventBus.Outcome.Owed owed) {
                states.add(new EventState(e.id(), e.type(), EventState.FAILED, owed.reason()));
            } else {
                states.add(new EventState(e.id(), e.type(), EventState.DONE, null));
            }
        }
        return states;
    }
}
