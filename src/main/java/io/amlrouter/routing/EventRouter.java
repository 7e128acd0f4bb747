package io.amlrouter.routing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.amlrouter.events.Channels;
import io.amlrouter.events.MlEvent;
import io.amlrouter.guard.GuardMetrics;
import io.amlrouter.guard.RateLimiter;
import io.amlrouter.guard.Silences;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.Claim;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.observability.TraceSpan;
import io.amlrouter.observability.Tracing;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.action.ActionContext;
import io.amlrouter.rules.action.ActionSpec;
import io.amlrouter.rules.action.GroupableAction;
import io.amlrouter.rules.action.RateLimit;
import io.amlrouter.rules.action.RenderedAction;
import io.amlrouter.rules.digest.DigestRecorder;
import io.amlrouter.rules.guard.Silence;
import io.amlrouter.rules.load.RuleSetHolder;
import io.amlrouter.rules.template.RenderException;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Routes each event of {@code ml-events}: evaluates every rule, and for each action of each matching
 * rule that is still owed claims it, renders it and hands it to {@link ActionHandOff}, which runs it with
 * its kind's executor and settles the claim. The event's message is acknowledged once every action is
 * done (or failed permanently), and nacked (so the webhook answers 503 and Event Grid redelivers) when
 * any is still owed: {@link #onMessage} is the one place that acknowledges.
 * <p>
 * The channel is consumed as a stream ({@code @Channel} injection of the {@code Multi} the
 * {@link EventBus}'s emitter feeds): up to {@link EventBus#CAPACITY} events are routed at once
 * ({@link InFlightLimit}: the back-pressure of {@code transformToUni(..).merge(n)}), each as a task of its
 * own on a duplicated context of the sender's event loop ({@link #ownContext}). A {@code @Incoming} method returning a {@code Uni}
 * would be acknowledged by the framework but routed one event at a time (SmallRye Reactive Messaging
 * concatenates such methods), and one event waiting for a held claim would stall all the others.
 */
@ApplicationScoped
public class EventRouter {

    private static final Logger LOG = Logger.getLogger(EventRouter.class);

    private final RuleSetHolder rules;
    private final ActionHandOff actions;
    private final OutcomeLedger ledger;
    /**
     * The channel's messages, injected with the raw {@code Message} type on purpose: with a payload type SmallRye
     * passes every message through a payload converter (a {@code Uni} and two failure operators per message, since
     * each event's class is a subtype of {@code MlEvent}, not {@code MlEvent}); raw, it hands them over as sent. Only
     * {@link EventBus} sends on {@code ml-events}, and only {@code Message<MlEvent>}.
     */
    @SuppressWarnings("rawtypes")
    private final Multi<Message> events;
    private final RoutingMetrics metrics;
    private final ActionMetrics actionMetrics;
    private final Tracing tracing;
    private final DigestRecorder digests;
    private final Silences silences;
    private final RateLimiter limiter;
    private final GuardMetrics guardMetrics;
    private final Vertx vertx;

    public EventRouter(RuleSetHolder rules, ActionHandOff actions, OutcomeLedger ledger,
            @Channel(Channels.ML_EVENTS) @SuppressWarnings("rawtypes") Multi<Message> events, RoutingMetrics metrics,
            ActionMetrics actionMetrics, Tracing tracing, DigestRecorder digests, Silences silences, RateLimiter limiter,
            GuardMetrics guardMetrics, Vertx vertx) {
        this.rules = rules;
        this.actions = actions;
        this.ledger = ledger;
        this.events = events;
        this.metrics = metrics;
        this.actionMetrics = actionMetrics;
        this.tracing = tracing;
        this.digests = digests;
        this.silences = silences;
        this.limiter = limiter;
        this.guardMetrics = guardMetrics;
        this.vertx = vertx;
    }

    /** Subscribes to {@code ml-events} once the application has started. */
    void start(@Observes StartupEvent started) {
        events.subscribe().withSubscriber(new InFlightLimit<Message>(Channels.ML_EVENTS, EventBus.CAPACITY,
                (message, done) -> onMessage(typed(message), done)));
    }

    /**
     * Routes the event of one message and acknowledges it: acked when the event owes nothing more, nacked
     * with the reason when an action is still owed; then calls {@code done} (the stream's next event may
     * start). Never throws, so one event cannot end the stream. The routing is subscribed here once, with
     * two callbacks, rather than through a chain of operators: each Mutiny operator made per event captures
     * and restores the CDI context (SmallRye Context Propagation), which the bench measured at about a tenth
     * of the ingest path's event-loop samples (docs/performance.md).
     */
    void onMessage(Message<MlEvent> message, Runnable done) {
        MlEvent event = message.getPayload();
        TraceSpan span = EventObservability.startRoute(tracing, event, message);
        EventObservability.runOnOwnContext(ownContext(message), span, event, () -> route(event, span),
                failure -> settle(message, span, failure, done));
    }

    @SuppressWarnings("unchecked")
    private static Message<MlEvent> typed(@SuppressWarnings("rawtypes") Message message) {
        return (Message<MlEvent>) message;
    }

    /** Ends the routing span, acks (or nacks with the failure) and calls {@code done} once that is through. */
    private static void settle(Message<MlEvent> message, TraceSpan span, Throwable failure, Runnable done) {
        try {
            span.end(failure);
            (failure == null ? message.ack() : message.nack(failure)).whenComplete((ignored, error) -> done.run());
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not settle the message of event %s", message.getPayload().id());
            done.run();
        }
    }

    /**
     * Where an event's routing runs: a task of its own on a duplicated context of the sender's event loop
     * made for this event alone (as SmallRye's mediator did), so that a delivery of 1,000 events does not
     * hold the event loop for all of them while other requests (refusals, probes) wait, and so that its log
     * fields and span are set once, there. The emitter made one for each message when it was sent
     * (SmallRye's LocalContextMetadata, empty until now): that one is used. An event sent off Vert.x gets a
     * new one of the current context, or of one of Vert.x's event loops.
     */
    private Context ownContext(Message<MlEvent> message) {
        Context made = EventObservability.messageContext(message);
        if (made != null) {
            return made;
        }
        Context current = Vertx.currentContext();
        if (current == null && vertx != null) {
            current = vertx.getOrCreateContext();
        }
        return current == null ? null : VertxContext.createNewDuplicatedContext(current);
    }

    /** Runs what the event still owes; fails when an action failed transiently. */
    Uni<Void> route(MlEvent event) {
        return route(event, TraceSpan.NONE);
    }

    private Uni<Void> route(MlEvent event, TraceSpan span) {
        RuleSet set = rules.current();
        Instant now = Instant.now();
        if (!set.acceptsWorkspace(event)) {
            metrics.workspaceNotAllowed();
            LOG.infof("Event %s (%s) comes from a workspace that is not allowed (topic %s); not acted on",
                    event.id(), event.type(), event.envelope().topic());
            return ledger.eventSeen(RoutingRecord.of(event, now, "workspace-not-allowed", set, null))
                    .map(this::countRedelivery);
        }
        RoutingRecord.Verdicts verdicts = RoutingRecord.evaluate(set, event); // set.matching(event), explained
        if (verdicts.matched().isEmpty()) {
            return routeMatched(event, now, set, verdicts, span);
        }
        // A matched event any active silence matches runs no action (the silence check reads the store: 503 when
        // it cannot be read, never an unguarded run).
        return silences.matching(event, now).chain(found -> found.isEmpty()
                ? routeMatched(event, now, set, verdicts, span)
                : silenced(event, now, set, verdicts, found, span));
    }

    private Uni<Void> silenced(MlEvent event, Instant now, RuleSet set, RoutingRecord.Verdicts verdicts,
            List<Silence> found, TraceSpan span) {
        List<String> names = verdicts.matched().stream().map(Rule::name).toList();
        List<String> ids = found.stream().map(Silence::id).toList();
        metrics.matched(names);
        span.matched(names);
        guardMetrics.silenced();
        LOG.infof("Event %s (%s) matched %s but is silenced by %s; no action run", event.id(), event.type(), names,
                ids);
        return ledger.eventSeen(RoutingRecord.of(event, now, "silenced", set, verdicts).withSilencedBy(ids))
                .map(this::countRedelivery);
    }

    private Uni<Void> routeMatched(MlEvent event, Instant now, RuleSet set, RoutingRecord.Verdicts verdicts,
            TraceSpan span) {
        List<Rule> matched = verdicts.matched();
        String outcome = matched.isEmpty() ? "no-rule-matched" : "routed";
        List<String> names = matched.stream().map(Rule::name).toList();
        metrics.matched(names);
        span.matched(names);
        Uni<Void> seen = ledger.eventSeen(RoutingRecord.of(event, now, outcome, set, verdicts)).map(this::countRedelivery);
        if (matched.isEmpty()) {
            metrics.noRuleMatched();
            // DEBUG, not INFO: a workspace's subscription sends every run's status changes, most of which no
            // rule wants; the history API and events_unmatched_total account for them (docs/observability.md).
            if (LOG.isDebugEnabled()) {
                LOG.debugf("Event %s (%s, subject %s): no rule matched", event.id(), event.type(), event.subject());
            }
            return seen;
        }
        List<Uni<Void>> actions = new ArrayList<>();
        for (Rule rule : matched) {
            for (int i = 0; i < rule.actions().size(); i++) {
                actions.add(runAction(event, rule, i));
            }
        }
        return seen.chain(() -> Uni.join().all(actions).andCollectFailures()).replaceWithVoid()
                .onFailure().transform(EventRouter::summarize);
    }

    private Void countRedelivery(long deliveries) {
        if (deliveries > 1) {
            metrics.redelivered();
        }
        return null;
    }

    /**
     * Claims, renders and runs one action, on a duplicated context of its own (a child of the event's) where
     * its rule, index and kind join the event's log fields (ActionScope#run).
     */
    private Uni<Void> runAction(MlEvent event, Rule rule, int index) {
        ActionSpec spec = rule.actions().get(index);
        ActionKey key = new ActionKey(event.id(), rule.name(), index);
        return ActionScope.of(key, event, spec.kind()).run(() -> claimAndRun(event, rule, index, spec, key));
    }

    private Uni<Void> claimAndRun(MlEvent event, Rule rule, int index, ActionSpec spec, ActionKey key) {
        return actions.claim(key, spec.kind()).chain(claim -> {
            if (claim instanceof Claim.AlreadyDone done) {
                if (LOG.isDebugEnabled()) {
                    LOG.debugf("Event %s rule %s action %d (%s) already %s; not run again", event.id(), rule.name(),
                            index, spec.kind().key(), done.record().state());
                }
                return Uni.createFrom().voidItem();
            }
            if (spec instanceof GroupableAction groupable && groupable.group().isPresent()) {
                // Recorded in its digest group instead of run (docs/actions.md, "Digests"); a limit on a grouped
                // action counts the events that join its digests.
                return limited(event, rule, index, spec, key, () -> {
                    try {
                        return digests.record(event, rule.name(), rule.description(), key, spec.kind(),
                                groupable.group().get());
                    } catch (RenderException e) {
                        actionMetrics.failedToRender(spec.kind(), rule.name());
                        return actions.deadLetter(key, spec.kind(), "template: " + e.getMessage(), event);
                    }
                });
            }
            RenderedAction rendered;
            try {
                rendered = spec.render(new ActionContext(event, rule.name(), rule.description(), index));
            } catch (RenderException e) {
                actionMetrics.failedToRender(spec.kind(), rule.name());
                return actions.deadLetter(key, spec.kind(), "template: " + e.getMessage(), event);
            }
            return limited(event, rule, index, spec, key,
                    () -> actions.run(new ActionTask(key, event, rule.name(), rendered)));
        });
    }

    /** Runs the claimed action when it has no rate limit or its limit admits it; records it LIMITED otherwise. */
    private Uni<Void> limited(MlEvent event, Rule rule, int index, ActionSpec spec, ActionKey key,
            java.util.function.Supplier<Uni<Void>> run) {
        Optional<RateLimit> limit = rule.limit(index);
        if (limit.isEmpty()) {
            return run.get();
        }
        String limitKey;
        try {
            limitKey = limit.get().render(new ActionContext(event, rule.name(), rule.description(), index));
        } catch (RenderException e) {
            actionMetrics.failedToRender(spec.kind(), rule.name());
            return actions.deadLetter(key, spec.kind(), "limit key: " + e.getMessage(), event);
        }
        return limiter.admit(key, spec.kind(), limit.get(), limitKey, Instant.now())
                .onFailure().call(t -> actions.release(key, "rate limit undecided: " + t.getMessage()))
                .chain(admitted -> admitted ? run.get() : Uni.createFrom().voidItem());
    }

    private static Throwable summarize(Throwable failure) {
        if (failure instanceof io.smallrye.mutiny.CompositeException composite) {
            return new ActionPendingException(String.join("; ", composite.getCauses().stream()
                    .map(c -> String.valueOf(c.getMessage())).toList()));
        }
        return failure;
    }
}
