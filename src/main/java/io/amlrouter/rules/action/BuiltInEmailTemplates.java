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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.amlrouter.events.EventTypes;
import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.template.CompiledTemplate;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * The mail templates shipped with the service, under {@code src/main/resources/email-templates/}:
 * {@code <name>.subject}, {@code <name>.html} and {@code <name>.txt}. The HTML and text bodies are
 * set into {@code _layout.html} / {@code _layout.txt} (page frame and footer) where the layout says
 * {@code {! content !}}, so every mail looks alike and a body file holds only what is particular to it;
 * a block several bodies share is written once in {@code _<part>.html} / {@code _<part>.txt} and stands
 * in a body as {@code {! part <part> !}} (a Qute comment, replaced before compiling).
 * Each is made for some event types; a rule may use it only when its filter limits the types to those.
 * A template made for one type is checked against that type's data at startup (a placeholder naming a
 * member the type does not have stops the service); the others branch on the type, which the load-time
 * check cannot follow, and are covered by rendering tests with every supported fixture instead.
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

    /**
     * The digest form of each template, for grouped actions: {@code <name>.digest.subject/.html/.txt} set into
     * {@code _digest-layout.html/.txt}, or the {@code generic} digest form for a template that has none.
     */
    private final Map<String, BuiltIn> digests = new LinkedHashMap<>();

    /** Templates with a digest form of their own; the others use {@code generic}'s. */
    private static final List<String> OWN_DIGEST_FORMS = List.of("run-status", "run-completed", "generic");

    /** Where a layout takes the body of a template. */
    static final String CONTENT_MARKER = "{! content !}";

    /** Where a body takes a shared block: {@code {! part deployment-details !}}. */
    private static final Pattern PART_MARKER = Pattern.compile("\\{! part ([a-z-]+) !}");

    public BuiltInEmailTemplates(Templates engine) {
        String htmlLayout = read("email-templates/_layout.html");
        String textLayout = read("email-templates/_layout.txt");
        for (Map.Entry<String, List<String>> e : CATALOGUE.entrySet()) {
            String name = e.getKey();
            TemplateScope scope = e.getValue().size() == 1 ? TemplateScope.of(e.getValue()) : TemplateScope.ANY;
            Diagnostics d = new Diagnostics();
            CompiledTemplate subject = compile(engine, name + ".subject", read("email-templates/" + name + ".subject")
                    .strip(), false, scope, d);
            CompiledTemplate html = compile(engine, name + ".html", htmlLayout.replace(CONTENT_MARKER,
                    body(name, ".html")), true, scope, d);
            CompiledTemplate text = compile(engine, name + ".txt", textLayout.replace(CONTENT_MARKER,
                    body(name, ".txt").stripTrailing()), false, scope, d);
            if (d.hasErrors()) {
                throw new IllegalStateException("built-in mail template " + name + " is broken: " + d.errors());
            }
            templates.put(name, new BuiltIn(name, e.getValue(), subject, html, text));
        }
        String digestHtmlLayout = read("email-templates/_digest-layout.html");
        String digestTextLayout = read("email-templates/_digest-layout.txt");
        for (Map.Entry<String, List<String>> e : CATALOGUE.entrySet()) {
            String name = e.getKey();
            String form = (OWN_DIGEST_FORMS.contains(name) ? name : "generic") + ".digest";
            TemplateScope scope = e.getValue().size() == 1 ? TemplateScope.of(e.getValue()) : TemplateScope.ANY;
            Diagnostics d = new Diagnostics();
            CompiledTemplate subject = engine.compile(read("email-templates/" + form + ".subject").strip(), false,
                    "email-templates/" + form + ".subject", scope, d, true).orElse(null);
            CompiledTemplate html = engine.compile(digestHtmlLayout.replace(CONTENT_MARKER, body(form, ".html")), true,
                    "email-templates/" + form + ".html", scope, d, true).orElse(null);
            CompiledTemplate text = engine.compile(digestTextLayout.replace(CONTENT_MARKER,
                    body(form, ".txt").stripTrailing()), false, "email-templates/" + form + ".txt", scope, d, true)
                    .orElse(null);
            if (d.hasErrors()) {
                throw new IllegalStateException("built-in digest template " + form + " is broken: " + d.errors());
            }
            digests.put(name, new BuiltIn(name, e.getValue(), subject, html, text));
        }
    }

    /** The digest form of a built-in template, for an action with {@code group}. */
    public Optional<BuiltIn> digest(String name) {
        return Optional.ofNullable(digests.get(name.toLowerCase(Locale.ROOT)));
    }

    public Optional<BuiltIn> get(String name) {
        return Optional.ofNullable(templates.get(name.toLowerCase(Locale.ROOT)));
    }

    public List<String> names() {
        return List.copyOf(templates.keySet());
    }

    private static CompiledTemplate compile(Templates engine, String part, String source, boolean html,
            TemplateScope scope, Diagnostics d) {
        return engine.compile(source, html, "email-templates/" + part, scope, d).orElse(null);
    }

    /** A body file with its shared parts set in ({@code _<part><ext>}, without its last line break). */
    private static String body(String name, String ext) {
        Matcher m = PART_MARKER.matcher(read("email-templates/" + name + ext));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String part = read("email-templates/_" + m.group(1) + ext);
            m.appendReplacement(out, Matcher.quoteReplacement(part.endsWith("\n")
                    ? part.substring(0, part.length() - 1) : part));
        }
        return m.appendTail(out).toString();
    }

    private static String read(String resource) {
        try (InputStream in = BuiltInEmailTemplates.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing built-in mail template resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
