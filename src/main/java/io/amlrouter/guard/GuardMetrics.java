package io.amlrouter.guard;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.amlrouter.rules.action.ActionKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The guards' metrics: {@code actions_limited_total{kind, rule}}, actions not run because they were over their
 * rate limit, and {@code events_silenced_total}, matched events whose actions a silence stopped (by delivery).
 */
@ApplicationScoped
public class GuardMetrics {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> limited = new ConcurrentHashMap<>();
    private final Counter silenced;

    public GuardMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.silenced = Counter.builder("events.silenced")
                .description("Deliveries of matched events whose actions a silence stopped").register(registry);
    }

    /** An action was over its rate limit and is recorded LIMITED. */
    public void limited(ActionKind kind, String rule) {
        limited.computeIfAbsent(kind.key() + "/" + rule, k -> Counter.builder("actions.limited")
                .description("Actions not run because they were over their rate limit, by kind and rule")
                .tag("kind", kind.key()).tag("rule", rule).register(registry)).increment();
    }

    /** A matched event was silenced. */
    public void silenced() {
        silenced.increment();
    }
}
