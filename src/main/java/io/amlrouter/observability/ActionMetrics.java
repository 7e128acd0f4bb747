package io.amlrouter.observability;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.amlrouter.routing.ActionResult;
import io.amlrouter.rules.action.ActionKind;
import io.amlrouter.rules.load.RulesActivated;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The actions' metrics, by kind and rule: attempts, successes, failures (transient, permanent), outbound
 * retries, and the time an action takes by kind and outcome. A rule's meters are created the first
 * time the rule runs an action and reused after (rule names come from the rules file, so the label set
 * is bounded by it); the latency histograms carry no rule label, to keep their series few.
 */
@ApplicationScoped
public class ActionMetrics {

    /** Outcome labels of {@code actions.duration}. */
    static final String[] OUTCOMES = { "succeeded", "failed-transiently", "failed-permanently" };

    /** The counters of one kind and rule. */
    record RuleMeters(Counter attempts, Counter succeeded, Counter failedTransiently, Counter failedPermanently,
            Counter retries) {
    }

    private final MeterRegistry registry;
    private final Map<ActionKind, ConcurrentHashMap<String, RuleMeters>> byKind = new EnumMap<>(ActionKind.class);
    private final Map<ActionKind, Timer[]> durations = new EnumMap<>(ActionKind.class);

    public ActionMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (ActionKind kind : ActionKind.values()) {
            byKind.put(kind, new ConcurrentHashMap<>());
            Timer[] timers = new Timer[OUTCOMES.length];
            for (int i = 0; i < OUTCOMES.length; i++) {
                timers[i] = Timer.builder("actions.duration")
                        .description("Time an action took (including its outbound retries), by kind and outcome")
                        .tag("kind", kind.key()).tag("outcome", OUTCOMES[i])
                        .serviceLevelObjectives(Buckets.ACTION).minimumExpectedValue(Buckets.ACTION[0])
                        .maximumExpectedValue(Buckets.ACTION[Buckets.ACTION.length - 1]).register(registry);
            }
            durations.put(kind, timers);
        }
    }

    /** An action starts running (it was claimed: a first run, or a retry of one that failed transiently). */
    public void attempt(ActionKind kind, String rule) {
        meters(kind, rule).attempts().increment();
    }

    /** The action ended with {@code result}, {@code startNanos} being {@link System#nanoTime()} at its start. */
    public void finished(ActionKind kind, String rule, ActionResult result, long startNanos) {
        RuleMeters m = meters(kind, rule);
        int outcome;
        if (result instanceof ActionResult.Succeeded) {
            m.succeeded().increment();
            outcome = 0;
        } else if (result instanceof ActionResult.FailedTransiently) {
            m.failedTransiently().increment();
            outcome = 1;
        } else {
            m.failedPermanently().increment();
            outcome = 2;
        }
        durations.get(kind)[outcome].record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The action was claimed but could not be rendered (a template failure): a permanent failure like any
     * other, counted as an attempt and a {@code failure="permanent"} failure, without a duration (it never ran).
     */
    public void failedToRender(ActionKind kind, String rule) {
        RuleMeters m = meters(kind, rule);
        m.attempts().increment();
        m.failedPermanently().increment();
    }

    /** The outbound retry loop is about to call again (after a 5xx, 429, timeout or connection error). */
    public void retry(ActionKind kind, String rule) {
        meters(kind, rule).retries().increment();
    }

    /** Forgets the counters of rules that are gone with a reload (their series leave the scrape). */
    void onRulesActivated(@Observes RulesActivated rules) {
        for (ConcurrentHashMap<String, RuleMeters> perRule : byKind.values()) {
            perRule.entrySet().removeIf(e -> {
                if (rules.ruleNames().contains(e.getKey())) {
                    return false;
                }
                RuleMeters m = e.getValue();
                for (Counter c : List.of(m.attempts(), m.succeeded(), m.failedTransiently(), m.failedPermanently(),
                        m.retries())) {
                    registry.remove(c);
                }
                return true;
            });
        }
    }

    private RuleMeters meters(ActionKind kind, String rule) {
        ConcurrentHashMap<String, RuleMeters> rules = byKind.get(kind);
        RuleMeters m = rules.get(rule);
        return m != null ? m : rules.computeIfAbsent(rule, r -> create(kind.key(), r));
    }

    private RuleMeters create(String kind, String rule) {
        return new RuleMeters(
                Counter.builder("actions.attempts").description("Actions started, by kind and rule")
                        .tag("kind", kind).tag("rule", rule).register(registry),
                Counter.builder("actions.succeeded").description("Actions that succeeded, by kind and rule")
                        .tag("kind", kind).tag("rule", rule).register(registry),
                failed(kind, rule, "transient"),
                failed(kind, rule, "permanent"),
                Counter.builder("actions.retries")
                        .description("Outbound calls repeated by the retry loop (5xx, 429, timeouts), by kind and rule")
                        .tag("kind", kind).tag("rule", rule).register(registry));
    }

    private Counter failed(String kind, String rule, String failure) {
        return Counter.builder("actions.failed")
                .description("Actions that failed, by kind, rule and failure (transient: delivered again; permanent: "
                        + "dead letter)")
                .tag("kind", kind).tag("rule", rule).tag("failure", failure).register(registry);
    }
}
