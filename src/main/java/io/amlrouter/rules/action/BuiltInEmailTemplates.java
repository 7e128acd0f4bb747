package io.amlrouter.rules.action;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.amlrouter.events.EventTypes;
import io.amlrouter.rules.Diagnostics;
import io.amlrouter.rules.template.CompiledTemplate;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * The mail templates shipped with the service, under {@code src/main/resources/email-templates/}:
 * {@code <name>.subject}, {@code <name>.html} and {@code <name>.txt}. Each is made for some event
 * types; a rule may use it only when its filter limits the types to those.
 */
public final class BuiltInEmailTemplates {

    /** One built-in template. {@code types} empty means any event type. */
    public record BuiltIn(String name, List<String> types, CompiledTemplate subject, CompiledTemplate html,
            CompiledTemplate text) {

        /** Whether every type the rule can match is one this template is made for. */
        public boolean supports(TemplateScope scope) {
            return types.isEmpty() || (scope.isKnown()
                    && scope.types().stream().allMatch(t -> types.stream().anyMatch(t::equalsIgnoreCase)));
        }
    }

    private static final Map<String, List<String>> CATALOGUE = new LinkedHashMap<>();

    static {
        CATALOGUE.put("run-status", List.of(EventTypes.RUN_STATUS_CHANGED));
        CATALOGUE.put("run-completed", List.of(EventTypes.RUN_COMPLETED));
        CATALOGUE.put("model-registered", List.of(EventTypes.MODEL_REGISTERED));
        CATALOGUE.put("model-deployed", List.of(EventTypes.MODEL_DEPLOYED));
        CATALOGUE.put("drift", List.of(EventTypes.DATASET_DRIFT_DETECTED));
        CATALOGUE.put("model-deployment", List.of(EventTypes.MODEL_REGISTERED, EventTypes.DEPLOYMENT_SUCCEEDED,
                EventTypes.DEPLOYMENT_FAILED));
        CATALOGUE.put("deployment-outcome", List.of(EventTypes.DEPLOYMENT_SUCCEEDED, EventTypes.DEPLOYMENT_FAILED));
        CATALOGUE.put("generic", List.of());
    }

    private final Map<String, BuiltIn> templates = new LinkedHashMap<>();

    public BuiltInEmailTemplates(Templates engine) {
        for (Map.Entry<String, List<String>> e : CATALOGUE.entrySet()) {
            String name = e.getKey();
            Diagnostics d = new Diagnostics();
            CompiledTemplate subject = compile(engine, name, "subject", false, d);
            CompiledTemplate html = compile(engine, name, "html", true, d);
            CompiledTemplate text = compile(engine, name, "txt", false, d);
            if (d.hasErrors()) {
                throw new IllegalStateException("built-in mail template " + name + " is broken: " + d.errors());
            }
            templates.put(name, new BuiltIn(name, e.getValue(), subject, html, text));
        }
    }

    public Optional<BuiltIn> get(String name) {
        return Optional.ofNullable(templates.get(name.toLowerCase(Locale.ROOT)));
    }

    public List<String> names() {
        return List.copyOf(templates.keySet());
    }

    private static CompiledTemplate compile(Templates engine, String name, String part, boolean html, Diagnostics d) {
        String resource = "email-templates/" + name + "." + part;
        String source;
        try (InputStream in = BuiltInEmailTemplates.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing built-in mail template resource " + resource);
            }
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (part.equals("subject")) {
            source = source.strip();
        }
        return engine.compile(source, html, resource, TemplateScope.ANY, d).orElse(null);
    }
}
