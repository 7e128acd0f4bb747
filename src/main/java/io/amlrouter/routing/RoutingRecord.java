package io.amlrouter.routing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.EventRecord;
import io.amlrouter.ledger.RuleVerdict;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.filter.FilterResult;

/**
 * What the router records about an event for the history: the rules' verdicts (which matched, and for each other rule
 * its first failing filter and the dry run's reason) and the fields the history is searched by.
 *
 * <p>
 * Cost on the ingest path: every rule is evaluated once with {@code EventFilter.firstFailingPart}, as cheap as
 * {@code matches}. Building a reason costs much more (docs/observability.md, "Explained history"), so it is built only
 * for the rules that passed the event-type check and failed a later filter: the near misses an operator asks about.
 * A rule of another event type is recorded as failing {@code includedEventTypes}, its reason left to the reader.
 */
public final class RoutingRecord {

    /** The matching rules in file order, and every rule's verdict. */
    public record Verdicts(List<Rule> matched, List<RuleVerdict> explanation) {
    }

    private RoutingRecord() {
    }

    public static Verdicts evaluate(RuleSet set, MlEvent event) {
        JsonNode raw = event.raw();
        List<Rule> matched = null;
        List<RuleVerdict> explanation = new ArrayList<>(set.rules().size());
        for (Rule rule : set.rules()) {
            String part = rule.filter().firstFailingPart(raw);
            if (part == null) {
                if (matched == null) {
                    matched = new ArrayList<>(2);
                }
                matched.add(rule);
                explanation.add(RuleVerdict.match(rule.name()));
            } else if (part.equals("includedEventTypes")) {
                explanation.add(RuleVerdict.mismatch(rule.name(), part, null));
            } else {
                FilterResult result = rule.filter().explain(raw);
                String reason = result instanceof FilterResult.NotMatched n ? n.mismatch().reason() : null;
                explanation.add(RuleVerdict.mismatch(rule.name(), part, reason));
            }
        }
        return new Verdicts(matched == null ? List.of() : matched, explanation);
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
