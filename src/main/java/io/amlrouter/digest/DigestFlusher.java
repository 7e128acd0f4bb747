package io.amlrouter.digest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.amlrouter.deadletter.DeadLetterLog;
import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.Claim;
import io.amlrouter.ledger.GroupBatch;
import io.amlrouter.ledger.GroupEntry;
import io.amlrouter.ledger.LedgerConfig;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.routing.ActionHandOff;
import io.amlrouter.routing.ActionScope;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.action.ActionKind;
import io.amlrouter.rules.action.ActionSpec;
import io.amlrouter.rules.action.GroupableAction;
import io.amlrouter.rules.action.RenderedAction;
import io.amlrouter.rules.digest.DigestConfig;
import io.amlrouter.rules.digest.DigestMetrics;
import io.amlrouter.rules.load.RuleSetHolder;
import io.amlrouter.rules.template.DigestView;
import io.amlrouter.rules.template.RenderException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Sends the digests of the groups that are due. Every {@code digest.poll-interval} each replica asks the ledger for
 * due groups and takes each under a lease ({@code digest.lease}): with Redis, whichever replica takes a group sends
 * its digest, and another one takes it over once the lease lapses (the replica died). A digest is an action of its
 * own ({@link GroupBatch#digestKey()}): claimed in the ledger, then sent through the action's channel like any other
 * action, so the mail or webhook processors, their retries, dead letters and metrics apply, and it is sent once.
 * A transient failure keeps the batch for a retry after {@code digest.retry-after}; a permanent one is dead-lettered.
 * <p>
 * With the in-memory ledger the groups die with the process: a stopping replica sends every waiting digest at once
 * (after the events in flight have been drained), and a crash loses them (docs/reliability.md, "Digests").
 */
@ApplicationScoped
public class DigestFlusher {

    private static final Logger LOG = Logger.getLogger(DigestFlusher.class);

    /** How far ahead a stopping replica looks: every group, whatever its schedule. */
    private static final Duration EVERYTHING = Duration.ofDays(2);

    private final OutcomeLedger ledger;
    private final RuleSetHolder rules;
    private final ActionHandOff dispatcher;
    private final EventDecoder decoder;
    private final DeadLetterLog deadLetters;
    private final DigestMetrics metrics;
    private final DigestConfig config;
    private final Duration claimLease;
    private final boolean durableStore;
    private final Vertx vertx;
    private final AtomicBoolean looking = new AtomicBoolean();
    /** Looks since the pending-events gauge was last read from the store. */
    private int looksSinceGauge;
    private volatile long timer = -1;

    public DigestFlusher(OutcomeLedger ledger, RuleSetHolder rules, ActionHandOff dispatcher, EventDecoder decoder,
            DeadLetterLog deadLetters, DigestMetrics metrics, DigestConfig config, LedgerConfig ledgerConfig,
            Vertx vertx) {
        this.ledger = ledger;
        this.rules = rules;
        this.dispatcher = dispatcher;
        this.decoder = decoder;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.config = config;
        this.claimLease = ledgerConfig.claimLease();
        this.durableStore = ledgerConfig.store() == LedgerConfig.Store.REDIS;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(Math.max(10, config.pollInterval().toMillis()), id -> look());
    }

    /**
     * Runs after the shutdown drain ({@code ShutdownDrain}, which lets the events in flight finish, so every grouped
     * event is in its group): stops looking and, with the in-memory ledger, sends every waiting digest.
     */
    void stop(@Observes @Priority(Interceptor.Priority.APPLICATION + 700) ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (durableStore) {
            return;
        }
        try {
            long waiting = ledger.groupedEvents().await().atMost(config.shutdownFlushTimeout());
            if (waiting == 0) {
                return;
            }
            LOG.infof("Stopping: sending the digests of %d grouped event(s) now (in-memory ledger)", waiting);
            int sent = sendDue(Instant.now().plus(EVERYTHING)).await().atMost(config.shutdownFlushTimeout());
            long left = ledger.groupedEvents().await().atMost(Duration.ofSeconds(1));
            if (left > 0) {
                metrics.dropped(left);
                LOG.errorf("Stopping: %d grouped event(s) are lost, their digest could not be sent in time", left);
            } else {
                LOG.infof("Stopping: sent %d digest(s)", sent);
            }
        } catch (RuntimeException e) {
            LOG.errorf("Stopping: the waiting digests could not all be sent (%s); they are lost", e.toString());
        }
    }

    /** How often the pending-events gauge is read from a shared store (it reads every group's counts). */
    private static final Duration GAUGE_EVERY = Duration.ofSeconds(15);

    /** One look: sends the due digests, unless the previous look is still at it. */
    void look() {
        if (!looking.compareAndSet(false, true)) {
            return;
        }
        boolean gauge = !durableStore || ++looksSinceGauge * config.pollInterval().toMillis() >= GAUGE_EVERY.toMillis();
        if (gauge) {
            looksSinceGauge = 0;
        }
        sendDue(Instant.now())
                .chain(sent -> gauge ? ledger.groupedEvents().invoke(metrics::pending).replaceWithVoid()
                        : Uni.createFrom().voidItem())
                .subscribe().with(ignored -> looking.set(false), failure -> {
                    looking.set(false);
                    LOG.warnf("Could not look for due digests now (%s); trying again in %s", failure.toString(),
                            config.pollInterval());
                });
    }

    /** Sends the digests of the groups due by {@code by}; answers how many were sent (or dead-lettered). */
    public Uni<Integer> sendDue(Instant by) {
        return ledger.dueGroups(by, config.maxGroupsPerPoll()).chain(ids -> {
            if (ids.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Uni<Boolean>> sends = ids.stream().map(id -> sendGroup(id, by)
                    .onFailure().recoverWithItem(t -> {
                        LOG.warnf("Digest of group %s not sent now: %s", id, t.toString());
                        return false;
                    })).toList();
            return Uni.join().all(sends).andFailFast()
                    .map(done -> (int) done.stream().filter(Boolean::booleanValue).count());
        });
    }

    private Uni<Boolean> sendGroup(String groupId, Instant by) {
        return ledger.takeGroup(groupId, config.lease(), by).chain(batch -> batch.isEmpty()
                ? Uni.createFrom().item(false)
                : send(batch.get()));
    }

    private Uni<Boolean> send(GroupBatch batch) {
        ActionKey key = batch.digestKey();
        Optional<Rule> rule = rules.current().rules().stream().filter(r -> r.name().equals(batch.group().rule()))
                .findFirst();
        Optional<ActionSpec> spec = rule.filter(r -> batch.group().actionIndex() < r.actions().size())
                .map(r -> r.actions().get(batch.group().actionIndex()));
        String kind = spec.map(s -> s.kind().key()).orElse("email");
        // On a context of the digest's own, where its key and kind are the log fields of every line.
        ActionScope scope = ActionScope.of(key, ActionKind.fromKey(kind).orElse(ActionKind.EMAIL));
        return scope.run(() -> claimAndSend(batch, key, rule, spec, kind));
    }

    private Uni<Boolean> claimAndSend(GroupBatch batch, ActionKey key, Optional<Rule> rule, Optional<ActionSpec> spec,
            String kind) {
        return ledger.claim(key, kind, claimLease).chain(claim -> {
            if (claim instanceof Claim.AlreadyDone) {
                return sent(batch);
            }
            if (claim instanceof Claim.HeldElsewhere) {
                return ledger.groupRetry(batch.group().id(), batch.seq(), config.retryAfter()).replaceWith(false);
            }
            List<MlEvent> events = decode(batch);
            if (events.isEmpty()) {
                return deadLetter(batch, kind, "none of its " + batch.count() + " event(s) could be read back", null);
            }
            if (spec.isEmpty() || !(spec.get() instanceof GroupableAction groupable)) {
                return deadLetter(batch, kind, "rule " + batch.group().rule() + " no longer has a mail or webhook "
                        + "action at index " + batch.group().actionIndex() + " (the rules changed)", events.get(0));
            }
            RenderedAction rendered;
            try {
                rendered = groupable.renderDigest(new DigestView(batch.group().key(), events,
                        batch.count() - (batch.entries().size() - events.size())), rule.get().name(),
                        rule.get().description());
            } catch (RenderException e) {
                return deadLetter(batch, kind, "template: " + e.getMessage(), events.get(0));
            }
            ActionKind actionKind = spec.get().kind();
            LOG.infof("Sending the digest of %d event(s) of rule %s action %d%s (batch %d)", batch.count(),
                    key.rule(), key.actionIndex(), batch.group().key().isEmpty() ? ""
                            : ", key \"" + batch.group().key() + "\"", batch.seq());
            return dispatcher.run(new ActionTask(key, events.get(0), key.rule(), rendered))
                    .chain(() -> ledger.action(key))
                    .chain(record -> {
                        metrics.sent(actionKind, key.rule(), record.map(r -> r.state().name()).orElse("")
                                .equals("FAILED") ? "dead-letter" : "sent");
                        return sent(batch);
                    })
                    .onFailure().recoverWithUni(t -> {
                        LOG.warnf("Digest %s failed transiently (%s); trying again in %s", key, t.getMessage(),
                                config.retryAfter());
                        return ledger.groupRetry(batch.group().id(), batch.seq(), config.retryAfter()).replaceWith(false);
                    });
        });
    }

    private Uni<Boolean> sent(GroupBatch batch) {
        return ledger.groupSent(batch.group().id(), batch.seq()).replaceWith(true);
    }

    private Uni<Boolean> deadLetter(GroupBatch batch, String kind, String reason, MlEvent event) {
        ActionKey key = batch.digestKey();
        return ledger.failedPermanently(key, reason).invoke(() -> {
            if (event == null) {
                deadLetters.record(key, kind, reason);
            } else {
                deadLetters.record(key, kind, reason, event);
            }
            ActionKind.fromKey(kind).ifPresent(k -> metrics.sent(k, key.rule(), "dead-letter"));
        }).chain(() -> sent(batch));
    }

    /** The batch's events as the router saw them; one that no longer decodes is left out of the list (and counted). */
    private List<MlEvent> decode(GroupBatch batch) {
        List<MlEvent> events = new ArrayList<>();
        for (GroupEntry entry : batch.entries()) {
            if (entry.raw() == null) {
                continue;
            }
            try {
                List<Inbound> items = decoder.decode(entry.raw().getBytes(StandardCharsets.UTF_8), BodyFormat.JSON);
                if (items.size() == 1 && items.get(0) instanceof Inbound.Notification n) {
                    events.add(n.event());
                }
            } catch (EventDecodingException e) {
                LOG.warnf("Event %s of digest group %s no longer decodes (%s); not listed", entry.key().eventId(),
                        batch.group().id(), e.getMessage());
            }
        }
        return events;
    }
}
