package io.amlrouter.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.MlEvent;
import io.amlrouter.routing.DryRun;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.action.ActionContext;
import io.amlrouter.rules.action.RateLimit;
import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.Violation;
import io.amlrouter.rules.guard.GuardDurations;
import io.amlrouter.rules.guard.Silence;
import io.amlrouter.rules.guard.SilenceParser;
import io.amlrouter.rules.load.LoadResult;
import io.amlrouter.rules.load.RuleSetLoader;
import io.amlrouter.support.EventFixtures;

/**
 * The rules file's {@code limit} (on any action kind) and {@code silences:} as the loader compiles them, the
 * API's silence body checks, the durations, and the dry run's report of both. (The load errors of both are
 * pinned by testdata/rules/bad/limits.yaml and silences.yaml in RuleSetLoaderTest.)
 */
class GuardRulesTest {

    static final RuleSetLoader LOADER = RuleSetLoader.withDefaults();
    static final ObjectMapper JSON = new ObjectMapper();

    static RuleSet guards() throws Exception {
        LoadResult r = LOADER.load(Files.readString(Path.of("src/test/resources/testdata/rules/good/guards.yaml")),
                "guards.yaml");
        assertThat(r).as(r::toString).isInstanceOf(LoadResult.Loaded.class);
        return ((LoadResult.Loaded) r).ruleSet();
    }

    @Test
    void aLimitIsCompiledBesideItsActionOfAnyKindAndLeavesTheActionAsItWas() throws Exception {
        Rule rule = guards().rules().get(0);
        assertThat(rule.actions()).hasSize(3);
        RateLimit job = rule.limit(0).orElseThrow();
        assertThat(job.max()).isEqualTo(1);
        assertThat(job.per()).isEqualTo(Duration.ofHours(24));
        assertThat(job.keySource()).isEqualTo("{event.data.dataDriftName}");
        MlEvent drift = EventFixtures.decode(EventFixtures.event("eventgrid/DatasetDriftDetected.json"));
        assertThat(job.render(new ActionContext(drift, rule.name(), null, 0))).isEqualTo("transactions-drift-monitor");
        RateLimit mail = rule.limit(1).orElseThrow();
        assertThat(mail.per()).isEqualTo(Duration.ofHours(1));
        assertThat(mail.render(new ActionContext(drift, rule.name(), null, 1))).isEmpty();
        assertThat(rule.limit(2)).isEmpty();
        // The action's own source keeps its limit (GET /rules shows the rule as written).
        assertThat(rule.actionSources().get(0).path("amlJob").has("limit")).isTrue();
    }

    @Test
    void silencesOfTheRulesFileAreCompiledWithTheirTimes() throws Exception {
        List<Silence> silences = guards().silences();
        assertThat(silences).hasSize(1);
        Silence s = silences.get(0);
        assertThat(s.id()).isEqualTo("weekend-maintenance");
        assertThat(s.origin()).isEqualTo(Silence.RULES_FILE);
        assertThat(s.startsAt()).isEqualTo(Instant.parse("2026-03-14T22:00:00Z"));
        assertThat(s.endsAt()).isEqualTo(Instant.parse("2026-03-15T05:00:00Z"));
        assertThat(s.comment()).isEqualTo("storage migration");
        assertThat(s.createdBy()).isEqualTo("mlops@contoso.com");

        ObjectNode run = EventFixtures.event("eventgrid/RunStatusChanged.json");
        run.put("subject", "experiments/nightly-etl/runs/abc");
        MlEvent matching = EventFixtures.decode(run);
        assertThat(s.silences(matching, Instant.parse("2026-03-14T21:59:59Z"))).isFalse();
        assertThat(s.status(Instant.parse("2026-03-14T21:59:59Z"))).isEqualTo("pending");
        assertThat(s.silences(matching, Instant.parse("2026-03-14T22:00:00Z"))).isTrue();
        assertThat(s.status(Instant.parse("2026-03-15T04:59:59Z"))).isEqualTo("active");
        assertThat(s.silences(matching, Instant.parse("2026-03-15T05:00:00Z"))).isFalse();
        assertThat(s.status(Instant.parse("2026-03-15T05:00:00Z"))).isEqualTo("expired");
        MlEvent other = EventFixtures.decode(EventFixtures.event("eventgrid/RunStatusChanged.json"));
        assertThat(s.silences(other, Instant.parse("2026-03-14T23:00:00Z"))).isFalse();
    }

    @Test
    void theApiBodyIsCheckedFieldByField() throws Exception {
        Instant now = Instant.parse("2026-03-14T12:00:00Z");
        Diagnostics d = new Diagnostics();
        assertThat(SilenceParser.fromApi(JSON.readTree("""
                {"filter": {"advancedFilters": "x"}, "endsAt": "2026-03-14T11:00:00Z",
                 "comment": "", "owner": "me"}"""), d, now, "id-1")).isEmpty();
        assertThat(d.errors()).map(Violation::toString).containsExactly(
                "owner: unknown key \"owner\" (known: filter, startsAt, endsAt, comment, createdBy)",
                "endsAt: must be after startsAt (2026-03-14T12:00:00Z), got 2026-03-14T11:00:00Z",
                "filter.advancedFilters: must be a list of advanced filters, got a string",
                "comment: must not be empty",
                "createdBy: is required");

        Diagnostics ok = new Diagnostics();
        Silence s = SilenceParser.fromApi(JSON.readTree("""
                {"filter": {"includedEventTypes": ["Microsoft.MachineLearningServices.RunStatusChanged"]},
                 "endsAt": "2026-03-14T14:00:00+01:00", "comment": "deploy", "createdBy": "ops"}"""), ok, now, "id-2")
                .orElseThrow();
        assertThat(ok.errors()).isEmpty();
        assertThat(s.startsAt()).isEqualTo(now);
        assertThat(s.endsAt()).isEqualTo(Instant.parse("2026-03-14T13:00:00Z"));
        assertThat(s.origin()).isEqualTo(Silence.API);

        Diagnostics past = new Diagnostics();
        assertThat(SilenceParser.fromApi(JSON.readTree("""
                {"filter": {}, "startsAt": "2026-03-14T10:00:00Z", "endsAt": "2026-03-14T11:00:00Z",
                 "comment": "late", "createdBy": "ops"}"""), past, now, "id-3")).isEmpty();
        assertThat(past.errors()).map(Violation::toString).containsExactly(
                "endsAt: is not in the future (2026-03-14T11:00:00Z); a silence must end later than now");
    }

    @Test
    void durationsAreShortFormOrIso() {
        assertThat(GuardDurations.parse("30s")).contains(Duration.ofSeconds(30));
        assertThat(GuardDurations.parse("2m")).contains(Duration.ofMinutes(2));
        assertThat(GuardDurations.parse("24h")).contains(Duration.ofHours(24));
        assertThat(GuardDurations.parse("7d")).contains(Duration.ofDays(7));
        assertThat(GuardDurations.parse("250ms")).contains(Duration.ofMillis(250));
        assertThat(GuardDurations.parse("PT1H30M")).contains(Duration.ofMinutes(90));
        assertThat(GuardDurations.parse("P1D")).contains(Duration.ofDays(1));
        assertThat(GuardDurations.parse("1 day")).isEmpty();
        assertThat(GuardDurations.parse("24")).isEmpty();
        assertThat(GuardDurations.parse("1.5h")).isEmpty();
        assertThat(GuardDurations.show(Duration.ofHours(24))).isEqualTo("1d");
        assertThat(GuardDurations.show(Duration.ofMinutes(90))).isEqualTo("90m");
    }

    @Test
    void theDryRunShowsTheSilenceThatWouldApplyAndEachLimitsKey() throws Exception {
        RuleSet set = guards();
        MlEvent drift = EventFixtures.decode(EventFixtures.event("eventgrid/DatasetDriftDetected.json"));
        DryRun.Evaluation free = DryRun.evaluate(set, drift, List.of());
        assertThat(free.silencedBy()).isNull();
        assertThat(free.note()).isNull();
        DryRun.ActionPreview job = free.rules().get(0).actions().get(0);
        assertThat(job.limit()).isEqualTo(new DryRun.LimitPreview("transactions-drift-monitor", 1, "1d"));
        assertThat(free.rules().get(0).actions().get(2).limit()).isNull();

        Silence silence = SilenceParser.fromApi(JSON.readTree("""
                {"filter": {"includedEventTypes": ["Microsoft.MachineLearningServices.DatasetDriftDetected"]},
                 "endsAt": "2999-01-01T00:00:00Z", "comment": "retraining paused", "createdBy": "ops"}"""),
                new Diagnostics(), Instant.now(), "5f0c").orElseThrow();
        DryRun.Evaluation silenced = DryRun.evaluate(set, drift, List.of(silence));
        assertThat(silenced.silencedBy()).extracting(DryRun.SilenceMatch::id).containsExactly("5f0c");
        assertThat(silenced.note()).isEqualTo("silenced by 5f0c: no action would run");
    }
}
