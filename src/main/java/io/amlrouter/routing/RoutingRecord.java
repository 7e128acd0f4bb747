package io.amlrouter.routing;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.amlrouter.events.EventEnvelope;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.EventRecord;
import io.amlrouter.ledger.RuleVerdict;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.filter.FilterResult;
import io.amlrouter.rules.filter.FilterTarget;

/**
 * What the router records about an event for the history: the rules' verdicts (which matched, and for each other rule
 * its first failing filter and the dry run's reason) and the fields the history is searched by.
 *
 * <p>
 * Cost on the ingest path: every rule is evaluated once with {@code EventFilter.firstFailingPart}, as cheap as
 * {@code matches}. Writing a reason costs much more (docs/observability.md, "Explained history"), so none is written
 * here: a rule that passed the event-type check and failed a later filter (a near miss, which an operator asks about)
 * gets a reason written from the event's text when it is first read ({@link Reread}); a rule of another event type is
 * recorded as failing {@code includedEventTypes}, its reason left to the reader.
 */
public final class RoutingRecord {

    /** The matching rules in file order, and every rule's verdict. */
    public record Verdicts(List<Rule> matched, List<RuleVerdict> explanation) {
    }

    /**
     * The verdicts that are the same for every event, made once per rule set: each rule's "matched" and "another event
     * type" (most of an event's verdicts), so recording them allocates nothing per rule and the ledger holds one copy.
     * One slot: the rule set in force is the one asked about, until a reload.
     */
    private record Constant(RuleSet set, RuleVerdict[] matched, RuleVerdict[] otherType) {
        static Constant of(RuleSet set) {
            List<Rule> rules = set.rules();
            RuleVerdict[] matched = new RuleVerdict[rules.size()];
            RuleVerdict[] otherType = new RuleVerdict[rules.size()];
            for (int i = 0; i < rules.size(); i++) {
                matched[i] = RuleVerdict.match(rules.get(i).name());
                otherType[i] = RuleVerdict.mismatch(rules.get(i).name(), OTHER_TYPE, null);
            }
            return new Constant(set, matched, otherType);
        }
    }

    private static final String OTHER_TYPE = "includedEventTypes";
    private static volatile Constant constant;

    private RoutingRecord() {
    }

    private static Constant constant(RuleSet set) {
        Constant c = constant;
        if (c == null || c.set() != set) {
            c = Constant.of(set);
            constant = c;
        }
        return c;
    }

    public static Verdicts evaluate(RuleSet set, MlEvent event) {
        FilterTarget target = FilterTarget.of(event.raw()); // type, subject and data looked up once for all rules
        Constant verdicts = constant(set);
        List<Rule> rules = set.rules();
        List<Rule> matched = null;
        Reread reread = null;
        List<RuleVerdict> explanation = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            String part = rule.filter().firstFailingPart(target);
            if (part == null) {
                if (matched == null) {
                    matched = new ArrayList<>(2);
                }
                matched.add(rule);
                explanation.add(verdicts.matched()[i]);
            } else if (part.equals(OTHER_TYPE)) {
                explanation.add(verdicts.otherType()[i]);
            } else {
                if (reread == null) {
                    reread = new Reread(event.envelope());
                }
                explanation.add(RuleVerdict.mismatchWrittenWhenRead(rule.name(), part, reread.reason(rule)));
            }
        }
        return new Verdicts(matched == null ? List.of() : matched, explanation);
    }

    /**
     * The event read again from its text for the near misses' reasons, parsed once, when the first of them is read
     * (the history, the console, or the Redis ledger writing the record). It holds the text the ledger's record holds
     * anyway and only a weak reference to the event's tree, which it reads while the event is still being routed (the
     * Redis ledger's write) and parses the text again once it is gone: the in-memory ledger does not keep every event's
     * tree alive. An event with no text (one this service made) is written out at once instead.
     * Parsed as the decoder parses (big decimals for floats), so a reason reads the values the rules were evaluated on.
     */
    private static final class Reread {

        private static final ObjectReader READER = JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build().readerFor(JsonNode.class);

        private final String text;
        /** The event's own tree while the event is alive (the Redis ledger writes the record during routing). */
        private final WeakReference<JsonNode> routed;
        private volatile JsonNode tree;

        Reread(EventEnvelope envelope) {
            this.text = envelope.rawJson();
            this.routed = new WeakReference<>(envelope.raw());
        }

        /** The reason {@code rule}'s filter gives for not matching; null (the part alone) if the text cannot be read. */
        Supplier<String> reason(Rule rule) {
            return () -> {
                JsonNode t = tree();
                return t != null && rule.filter().explain(t) instanceof FilterResult.NotMatched n ? n.mismatch().reason()
                        : null;
            };
        }

        private JsonNode tree() {
            JsonNode t = tree;
            if (t == null) {
                t = routed.get();
            }
            if (t == null) {
                try {
                    t = READER.readTree(text);
                } catch (IOException | RuntimeException e) {
                    return null;
                }
                tree = t;
            }
            return t;
        }
    }

    /** The record of an event routed by {@code set}; {@code verdicts} null when no rule was evaluated. */
    public static EventRecord of(MlEvent event, Instant now, String outcome, RuleSet set, Verdicts verdicts) {
        List<String> names = verdicts == null ? List.of() : verdicts.matched().stream().map(Rule::name).toList();
        return new EventRecord(event.id(), event.type(), event.subject(), event.envelope().topic(), now, now, 1, names,
                outcome, event.rawJson(), set.version(), event.relatedRunId().orElse(null), models(event),
                verdicts == null ? List.of() : verdicts.explanation(), List.of(), event.envelope().delivery());
    }

    /** The names of the models an event is about. */
    static List<String> models(MlEvent event) {
        if (event instanceof MlEvent.ModelRegistered r && r.modelName() != null) {
            return List.of(r.modelName());
        }
        if (event instanceof MlEvent.ModelDeployed d && d.modelIds() != null) {
            return d.modelIds().stream().map(RoutingRecord::modelName).filter(n -> !n.isEmpty()).distinct().toList();
        }
        if (event instanceof MlEvent.DeploymentOutcome o && o.model() != null) {
            String name = modelName(o.model());
            return name.isEmpty() ? List.of() : List.of(name);
        }
        return List.of();
    }

    /**
     * The name in a model reference: {@code fraud-gbm:14}, {@code azureml:fraud-gbm:14} or an ARM id
     * {@code .../models/fraud-gbm/versions/14}.
     */
    static String modelName(String reference) {
        String ref = reference.strip();
        int models = ref.indexOf("/models/");
        if (models >= 0) {
            String rest = ref.substring(models + "/models/".length());
            int slash = rest.indexOf('/');
            return slash < 0 ? rest : rest.substring(0, slash);
        }
        if (ref.startsWith("azureml:")) {
            ref = ref.substring("azureml:".length());
        }
        int colon = ref.indexOf(':');
        return colon < 0 ? ref : ref.substring(0, colon);
    }
}
