package io.amlrouter.rules.action;

import java.time.Clock;
import java.util.List;
import java.util.function.Predicate;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.JsonLimits;
import io.amlrouter.events.MlEvent;
import io.amlrouter.events.MlEventMapper;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.load.LoadResult;
import io.amlrouter.rules.load.RuleSetLoader;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.Templates;
import io.amlrouter.support.TestData;

/** Loads one-rule files with chosen URL settings and renders their actions for fixture events. */
final class ActionFixtures {

    static final String WORKSPACE = "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/rg-mlops-prod"
            + "/providers/Microsoft.MachineLearningServices/workspaces/mlw-fraud-weu";

    private ActionFixtures() {
    }

    static RuleSetLoader loader(List<String> allowedHosts, boolean allowHttp, Predicate<String> secrets) {
        return new RuleSetLoader(new Templates(100_000), new ActionSettings(20, allowedHosts, allowHttp, secrets),
                Clock.systemUTC());
    }

    /** A rules file with one rule on {@code type} whose only action is {@code action} (YAML, indented by 6). */
    static String file(String type, String action) {
        return "rules:\n  - name: r\n    filter:\n      includedEventTypes: [" + type + "]\n    actions:\n      - "
                + action.strip().replace("\n", "\n        ") + "\n";
    }

    static List<String> errors(RuleSetLoader loader, String yaml) {
        LoadResult result = loader.load(yaml, "test");
        if (result instanceof LoadResult.Invalid invalid) {
            return invalid.errors().stream().map(Object::toString).toList();
        }
        return List.of();
    }

    static Rule rule(RuleSetLoader loader, String yaml) {
        LoadResult result = loader.load(yaml, "test");
        if (result instanceof LoadResult.Loaded loaded) {
            return loaded.ruleSet().rules().get(0);
        }
        throw new AssertionError("not loaded: " + ((LoadResult.Invalid) result).errors());
    }

    static RenderedAction render(Rule rule, MlEvent event) throws RenderException {
        return rule.actions().get(0).render(new ActionContext(event, rule.name(), rule.description(), 0));
    }

    static MlEvent event(String fixture) {
        try {
            EventDecoder decoder = new EventDecoder(JsonLimits.defaults(), new MlEventMapper("https://ml.azure.com"));
            return ((Inbound.Notification) decoder.decode(TestData.bytes(fixture), BodyFormat.JSON).get(0)).event();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
