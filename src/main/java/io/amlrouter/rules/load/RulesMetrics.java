package io.amlrouter.rules.load;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * The rules' meters: reloads by outcome, whether the file on disk is the active one, when the rules were
 * last loaded successfully (as Alertmanager's {@code alertmanager_config_last_reload_success_timestamp_seconds}),
 * the active rule count and version. It is told what happened; it holds no rules.
 */
@ApplicationScoped
public class RulesMetrics {

    private final Counter reloadSuccess;
    private final Counter reloadFailure;
    private final MultiGauge info;
    private final AtomicInteger fileIsActive = new AtomicInteger(1);
    private final AtomicInteger activeRules = new AtomicInteger();
    private final AtomicLong lastSuccessMillis = new AtomicLong();

    public RulesMetrics(MeterRegistry metrics) {
        this.reloadSuccess = Counter.builder("rules.reloads").description("Changes of the rules file, by outcome")
                .tag("result", "success").register(metrics);
        this.reloadFailure = Counter.builder("rules.reloads").description("Changes of the rules file, by outcome")
                .tag("result", "failure").register(metrics);
        Gauge.builder("rules.last.reload.successful", fileIsActive, AtomicInteger::get)
                .description("1 when the rules file on disk is the active one, 0 while a change is refused")
                .register(metrics);
        Gauge.builder("rules.last.reload.success.timestamp.seconds", lastSuccessMillis, m -> m.get() / 1000.0)
                .description("Unix time of the last successful load of the rules file (at startup or on a reload)")
                .register(metrics);
        Gauge.builder("rules.active", activeRules, AtomicInteger::get)
                .description("Rules in the active rule set").register(metrics);
        this.info = MultiGauge.builder("rules.info").description("1, labelled with the active rules' version")
                .register(metrics);
    }

    /** A rule set became active at {@code at}: at startup ({@code reload} false) or on a change of the file. */
    public void loaded(int rules, String shortVersion, Instant at, boolean reload) {
        activeRules.set(rules);
        lastSuccessMillis.set(at.toEpochMilli());
        fileIsActive.set(1);
        // rules_info{version} names the active version only: the previous one's series goes away.
        info.register(List.of(MultiGauge.Row.of(Tags.of("version", shortVersion), 1)), true);
        if (reload) {
            reloadSuccess.increment();
        }
    }

    /** A change of the file was refused: the last good rules stay active. */
    public void refused() {
        fileIsActive.set(0);
        reloadFailure.increment();
    }

    /** The file is the active rules again (a refused change was undone). */
    public void fileIsActive() {
        fileIsActive.set(1);
    }
}
