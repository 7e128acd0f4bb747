package io.amlrouter.routing;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.amlrouter.rules.load.RulesActivated;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The router's metrics: matches by rule, and events no rule acted on (by reason). A rule's counter is
 * created the first time it matches and reused after.
 */
@ApplicationScoped
public class RoutingMetrics {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> matches = new ConcurrentHashMap<>();
    private final Counter noRuleMatched;
    private final Counter workspaceNotAllowed;
    private final Counter redelivered;

    public RoutingMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.noRuleMatched = unmatched(registry, "no-rule-matched");
        this.workspaceNotAllowed = unmatched(registry, "workspace-not-allowed");
        // The same meter as IngestMetrics registers at start (the registry hands back the one it holds).
        this.redelivered = Counter.builder("events.duplicates")
                .description("Events whose id was in flight (in-flight) or already in the ledger (redelivered)")
                .tag("kind", "redelivered").register(registry);
    }

    /** The rules an event matched (each routing of an event, redeliveries included). */
    public void matched(List<String> rules) {
        for (int i = 0; i < rules.size(); i++) {
            String rule = rules.get(i);
            Counter c = matches.get(rule);
            (c != null ? c : matches.computeIfAbsent(rule, r -> Counter.builder("rules.matches")
                    .description("Events a rule matched, by rule").tag("rule", r).register(registry))).increment();
        }
    }

    /** Forgets the counters of rules that are gone with a reload (their series leave the scrape). */
    void onRulesActivated(@Observes RulesActivated rules) {
        matches.entrySet().removeIf(e -> {
            if (rules.ruleNames().contains(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue());
            return true;
        });
    }

    /** No rule matched the event. */
    public void noRuleMatched() {
        noRuleMatched.increment();
    }

    /** An event whose id the ledger had already seen (an Event Grid redelivery, a replay, a republished outcome). */
    public void redelivered() {
        redelivered.increment();
    }

    /** The event came from a workspace the rules do not allow. */
    public void workspaceNotAllowed() {
        workspaceNotAllowed.increment();
    }

    private static Counter unmatched(MeterRegistry registry, String reason) {
        return Counter.builder("events.unmatched")
                .description("Events no rule acted on, by reason").tag("reason", reason).register(registry);
    }
}
