package io.amlrouter.history;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.Inbound;
import io.amlrouter.ingest.EventPublisher;
import io.amlrouter.ingest.EventState;
import io.amlrouter.ingest.IngestConfig;
import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.EventHistory;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.observability.LogContext;
import io.amlrouter.routing.EventObservability;
import io.smallrye.mutiny.Uni;

/**
 * Replays a recorded event: makes its permanently failed actions owed again in the ledger, then routes
 * the recorded raw event through the normal path (the same publisher, router, ledger claims and action
 * processors as a delivery from Event Grid), so only what is owed runs, and a replay of an event in
 * flight joins it. The rules in force now apply, not those of the first delivery.
 */
@ApplicationScoped
public class Replayer {

    private static final Logger LOG = Logger.getLogger(Replayer.class);

    /** How a replay ended. */
    public sealed interface Result {
    }

    /** The ledger does not know the event (never seen, or older than the retention). */
    public record Unknown() implements Result {
    }

    /** The event cannot be routed again (no raw event recorded, or it no longer decodes). */
    public record NotReplayable(String reason) implements Result {
    }

    /** The replica is at its limit of events in flight. */
    public record Overloaded() implements Result {
    }

    /**
     * Routed again.
     *
     * @param result {@code done}, {@code dead-letter} (routed to the end, but an action failed permanently
     *        again: it is {@code FAILED} in the history), {@code failed} (an action failed transiently) or
     *        {@code pending} (still running at the deadline)
     */
    public record Replayed(int reopened, String result, String detail, EventHistory history) implements Result {
    }

    private final OutcomeLedger ledger;
    private final EventDecoder decoder;
    private final EventPublisher publisher;
    private final Duration deadline;

    public Replayer(OutcomeLedger ledger, EventDecoder decoder, EventPublisher publisher, IngestConfig ingest) {
        this.ledger = ledger;
        this.decoder = decoder;
        this.publisher = publisher;
        this.deadline = ingest.deadline();
    }

    public Uni<Result> replay(String eventId) {
        return ledger.event(eventId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new Unknown());
            }
            String raw = found.get().event().raw();
            if (raw == null) {
                return Uni.createFrom().item(new NotReplayable("the ledger holds no raw event for " + eventId));
            }
            Optional<Inbound.Notification> event;
            try {
                List<Inbound> items = decoder.decode(raw.getBytes(StandardCharsets.UTF_8), BodyFormat.JSON);
                event = items.size() == 1 && items.get(0) instanceof Inbound.Notification n ? Optional.of(n)
                        : Optional.empty();
            } catch (EventDecodingException e) {
                return Uni.createFrom().item(new NotReplayable("the recorded event no longer decodes: " + e.getMessage()));
            }
            if (event.isEmpty()) {
                return Uni.createFrom().item(new NotReplayable("the recorded JSON is not one routable event"));
            }
            return ledger.reopenFailed(eventId).chain(reopened -> {
                try (LogContext ignored = EventObservability.logContext(event.get().event())) {
                    LOG.infof("Replaying event %s: %d permanently failed action(s) reopened", eventId, reopened);
                }
                return publisher.publish(List.of(event.get().event()), deadline).chain(states -> {
                    if (states == null) {
                        return Uni.createFrom().item((Result) new Overloaded());
                    }
                    EventState state = states.get(0);
                    return ledger.event(eventId).map(h -> answer(reopened, state, h.orElse(found.get())));
                });
            });
        });
    }

    /**
     * The replay's answer: what routing said, except that an event whose routing ended ({@code done}) with
     * actions dead-lettered again is {@code dead-letter}, with their reasons, so the answer agrees with the
     * history (those actions {@code FAILED}) and the metrics ({@code failure="permanent"}).
     */
    static Replayed answer(int reopened, EventState state, EventHistory history) {
        List<ActionRecord> dead = history.actions().stream().filter(a -> a.state() == ActionState.FAILED).toList();
        if (!state.done() || dead.isEmpty()) {
            return new Replayed(reopened, state.state(), state.detail(), history);
        }
        String detail = dead.size() + " action(s) failed permanently again: " + String.join("; ", dead.stream()
                .map(a -> a.key().rule() + "/" + a.key().actionIndex() + " (" + a.kind() + "): " + a.lastError())
                .toList());
        return new Replayed(reopened, DEAD_LETTER, detail, history);
    }

    /** The replay's result when actions failed permanently again. */
    static final String DEAD_LETTER = "dead-letter";
}
