package io.amlrouter.guard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.ledger.SilenceRecord;
import io.amlrouter.rules.guard.Silence;
import io.amlrouter.rules.guard.SilenceParser;
import io.amlrouter.rules.load.RuleSetHolder;
import io.smallrye.mutiny.Uni;

/**
 * The silences in force: those the rules file declares ({@code silences:}, reloaded with it) and those of the
 * admin API, kept in the ledger's store (shared by the replicas; with Redis they survive restarts). Each replica
 * reuses the API silences it read for {@code guard.silences.cache} (1 s), so one created or expired through
 * another replica applies here at most that much later; on the replica that took the request at once.
 */
@ApplicationScoped
public class Silences {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_CACHE_NANOS = 2_000_000_000L;

    /** The API silences as read at {@code readAt} (System.nanoTime()). */
    private record Cached(List<Silence> silences, long readAt) {
    }

    private final OutcomeLedger ledger;
    private final RuleSetHolder rules;
    private final long cacheNanos;
    private final int maxStored;
    private volatile Cached cached;

    public Silences(OutcomeLedger ledger, RuleSetHolder rules, GuardConfig config) {
        this.ledger = ledger;
        this.rules = rules;
        this.cacheNanos = Math.min(Math.max(0, config.silences().cache().toNanos()), MAX_CACHE_NANOS);
        this.maxStored = config.silences().maxStored();
    }

    /** The silences active at {@code now} whose filter matches the event, rules file first. */
    public Uni<List<Silence>> matching(MlEvent event, Instant now) {
        List<Silence> fromFile = rules.current().silences();
        return api().map(fromApi -> {
            List<Silence> out = null;
            for (List<Silence> list : List.of(fromFile, fromApi)) {
                for (Silence s : list) {
                    if (s.silences(event, now)) {
                        if (out == null) {
                            out = new ArrayList<>(2);
                        }
                        out.add(s);
                    }
                }
            }
            return out == null ? List.of() : out;
        });
    }

    /** Every silence held: the rules file's, then the API's (read from the store now), oldest first. */
    public Uni<List<Silence>> all() {
        List<Silence> fromFile = rules.current().silences();
        return read().map(fromApi -> {
            List<Silence> out = new ArrayList<>(fromFile);
            out.addAll(fromApi);
            return out;
        });
    }

    /** Whether the rules file declares a silence with this id. */
    public boolean declaredInRulesFile(String id) {
        return rules.current().silences().stream().anyMatch(s -> s.id().equals(id));
    }

    /** Stores a new API silence; fails with {@link TooManySilences} when the store holds {@code maxStored}. */
    public Uni<Silence> create(Silence silence) {
        return ledger.silences().chain(held -> {
            if (held.size() >= maxStored) {
                return Uni.createFrom().failure(new TooManySilences(maxStored));
            }
            return ledger.saveSilence(record(silence)).invoke(() -> cached = null).replaceWith(silence);
        });
    }

    /** Ends an API silence at {@code now}; empty when the store holds no silence with this id. */
    public Uni<Optional<Silence>> expire(String id, Instant now) {
        return ledger.expireSilence(id, now).invoke(() -> cached = null)
                .map(r -> r.flatMap(Silences::silence));
    }

    private Uni<List<Silence>> api() {
        Cached c = cached;
        if (c != null && System.nanoTime() - c.readAt() < cacheNanos) {
            return Uni.createFrom().item(c.silences());
        }
        long readAt = System.nanoTime();
        return read().invoke(list -> cached = new Cached(list, readAt));
    }

    private Uni<List<Silence>> read() {
        return ledger.silences().map(records -> records.stream().map(Silences::silence).flatMap(Optional::stream)
                .toList());
    }

    private static SilenceRecord record(Silence s) {
        try {
            return new SilenceRecord(s.id(), JSON.writeValueAsString(s.filterSource()), s.startsAt(), s.endsAt(),
                    s.comment(), s.createdBy(), s.createdAt());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Silence> silence(SilenceRecord r) {
        try {
            return SilenceParser.fromStore(r.id(), JSON.readTree(r.filter()), r.startsAt(), r.endsAt(), r.comment(),
                    r.createdBy(), r.createdAt());
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** The store holds as many silences as {@code guard.silences.max-stored} allows. */
    public static final class TooManySilences extends RuntimeException {
        public TooManySilences(int max) {
            super("the store holds " + max + " silences (guard.silences.max-stored); expire some first", null, false,
                    false);
        }
    }
}
