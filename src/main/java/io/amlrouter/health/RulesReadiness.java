package io.amlrouter.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.load.RuleSetHolder;

/**
 * Ready once a rule set is active. A refused reload does not make the service unready (the last good
 * rules keep working) but shows in the data, so an operator sees it next to the probe.
 */
@Readiness
@ApplicationScoped
public class RulesReadiness implements HealthCheck {

    private final RuleSetHolder holder;

    public RulesReadiness(RuleSetHolder holder) {
        this.holder = holder;
    }

    @Override
    public HealthCheckResponse call() {
        RuleSet set = holder.current();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("rules").status(set != null);
        if (set != null) {
            builder.withData("version", set.version()).withData("rules", set.rules().size())
                    .withData("source", set.source());
        }
        holder.lastError().ifPresent(e -> builder.withData("lastReloadError",
                e.errors().size() + " violation(s) at " + e.at() + ": " + String.join("; ", e.errors())));
        return builder.build();
    }
}
