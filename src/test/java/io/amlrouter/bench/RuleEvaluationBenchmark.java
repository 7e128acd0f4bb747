package io.amlrouter.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.rules.filter.EventFilter;

/**
 * Rule filter evaluation on the Azure ML fixture events: one operation routes one event through every filter of a
 * rule set of 10, 100 or 1,000 realistic filters ({@link RuleSets}). Filter×event evaluations per second are ops/s
 * times {@code filters}. Run with {@code bench/rules.sh}; results go to {@code docs/performance.md}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RuleEvaluationBenchmark {

    private static final List<String> FIXTURES = List.of("RunCompleted.json", "RunStatusChanged.json",
            "ModelRegistered.json", "ModelDeployed.json", "DatasetDriftDetected.json", "ModelRegistered.pascal.json");

    @Param({ "10", "100", "1000" })
    public int filters;

    private EventFilter[] rules;
    private JsonNode[] events;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        ObjectMapper mapper = new ObjectMapper();
        events = FIXTURES.stream().map(name -> load(mapper, name)).toArray(JsonNode[]::new);
        rules = RuleSets.generate(filters, 20250314L).toArray(EventFilter[]::new);
        long matches = 0;
        for (JsonNode event : events) {
            for (EventFilter rule : rules) {
                matches += rule.matches(event) ? 1 : 0;
            }
        }
        System.out.printf("%n[rule set] %d filters × %d events: %d matches (%.1f%% of evaluations)%n", filters,
                events.length, matches, 100.0 * matches / ((long) filters * events.length));
    }

    private static JsonNode load(ObjectMapper mapper, String name) {
        try (InputStream in = RuleEvaluationBenchmark.class.getResourceAsStream("/testdata/events/eventgrid/" + name)) {
            return mapper.readTree(in).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Routes the next fixture event through the whole rule set and returns how many filters matched. */
    @Benchmark
    public int routeOneEvent() {
        JsonNode event = events[next];
        next = next + 1 == events.length ? 0 : next + 1;
        int matched = 0;
        for (EventFilter rule : rules) {
            if (rule.matches(event)) {
                matched++;
            }
        }
        return matched;
    }

    /**
     * What the router does since the history explains (issue 16, {@code RoutingRecord.evaluate}): each filter's
     * {@link EventFilter#firstFailingPart} (the verdict and where it failed), and the dry run's reason
     * ({@link EventFilter#explain}) only for filters that passed the event-type check and failed a later part.
     */
    @Benchmark
    public int routeAndRecordOneEvent(org.openjdk.jmh.infra.Blackhole hole) {
        JsonNode event = events[next];
        next = next + 1 == events.length ? 0 : next + 1;
        int matched = 0;
        for (EventFilter rule : rules) {
            String part = rule.firstFailingPart(event);
            if (part == null) {
                matched++;
            } else if (!part.equals("includedEventTypes")) {
                hole.consume(rule.explain(event));
            }
        }
        return matched;
    }

    /** Every filter through {@link EventFilter#explain} alone: every reason built (the alternative not taken). */
    @Benchmark
    public int explainOneEvent(org.openjdk.jmh.infra.Blackhole hole) {
        JsonNode event = events[next];
        next = next + 1 == events.length ? 0 : next + 1;
        int matched = 0;
        for (EventFilter rule : rules) {
            var result = rule.explain(event);
            if (result.matched()) {
                matched++;
            }
            hole.consume(result);
        }
        return matched;
    }
}
