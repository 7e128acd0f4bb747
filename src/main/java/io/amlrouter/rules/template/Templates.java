package io.amlrouter.rules.template;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Expression;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.ValueResolvers;
import io.quarkus.qute.Variant;

/**
 * Compiles the placeholders of rules and built-in mail templates ({@code {event.data.runId}},
 * {@code {rule.name}}, ...) with Qute, strictly: a placeholder naming a property the event model does
 * not have is a load error, and one without a value at render time fails the action instead of leaving
 * a blank. HTML templates escape every value. Framework-free, so the offline linter uses it too.
 */
public final class Templates {

    /**
     * Virtual methods a placeholder may use: defaults and tests, and the pure string helpers of
     * {@link NameHelpers}; nothing that reaches Java objects.
     */
    static final Set<String> ALLOWED_METHODS = Set.of("or", "?:", "orEmpty", "ifTruthy", "size", "isEmpty", "lower",
            "upper", "replaceDisallowed", "truncHash");

    private static final Pattern LOOP_ALIAS = Pattern.compile("\\{#(?:for|each)\\s+([A-Za-z_][A-Za-z0-9_]*)\\s+in\\b");
    private static final Pattern LET_ALIAS = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*=");
    private static final Pattern LET_SECTION = Pattern.compile("\\{#let\\s+([^}]*)\\}");

    private final Engine engine;
    private final int maxOutputChars;

    /** @param maxOutputChars longest text one template may render to */
    public Templates(int maxOutputChars) {
        this.maxOutputChars = maxOutputChars;
        this.engine = Engine.builder()
                .addDefaultSectionHelpers()
                .addSectionHelper(new BoundedLoops())
                .addValueResolvers(ValueResolvers.orResolver(), ValueResolvers.orEmpty(), ValueResolvers.trueResolver(),
                        ValueResolvers.logicalAndResolver(), ValueResolvers.logicalOrResolver(),
                        ValueResolvers.listResolver(), ValueResolvers.collectionResolver(), ValueResolvers.thisResolver(),
                        ValueResolvers.mapperResolver(), ValueResolvers.mapEntryResolver())
                .addValueResolvers(Resolvers.EVENT, Resolvers.RULE, Resolvers.WORKSPACE, Resolvers.JSON, Resolvers.DIGEST)
                .addValueResolver(NameHelpers.RESOLVER)
                .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
                .removeStandaloneLines(true)
                .strictRendering(true)
                .build();
    }

    public int maxOutputChars() {
        return maxOutputChars;
    }

    /**
     * Parses and checks {@code source}. Problems are reported at {@code path}; empty when there was one.
     *
     * @param html escape values for HTML
     */
    public Optional<CompiledTemplate> compile(String source, boolean html, String path, TemplateScope scope,
            Diagnostics diagnostics) {
        return compile(source, html, path, scope, diagnostics, false);
    }

    /** Properties of {@code digest}, in the templates of a grouped action ({@link DigestView}). */
    public static final List<String> DIGEST_PROPERTIES = List.of("count", "more", "key", "events");

    /**
     * As {@link #compile(String, boolean, String, TemplateScope, Diagnostics)}; with {@code digest}, the template
     * of a grouped action, which may also name {@code digest.count}, {@code digest.more}, {@code digest.key} and
     * {@code digest.events}.
     */
    public Optional<CompiledTemplate> compile(String source, boolean html, String path, TemplateScope scope,
            Diagnostics diagnostics, boolean digest) {
        Template template;
        try {
            template = engine.parse(source, new Variant(java.util.Locale.ROOT, java.nio.charset.StandardCharsets.UTF_8,
                    html ? Variant.TEXT_HTML : Variant.TEXT_PLAIN));
        } catch (TemplateException e) {
            diagnostics.error(path, "template syntax error: " + firstLine(e.getMessage()));
            return Optional.empty();
        }
        int before = diagnostics.errors().size();
        Set<String> locals = locals(source);
        if (digest) {
            locals.add("digest");
        }
        boolean warnedUncheckedData = false;
        for (Expression expression : template.getExpressions()) {
            warnedUncheckedData |= check(expression, path, scope, locals, diagnostics, warnedUncheckedData);
            if (digest) {
                checkDigest(expression, path, diagnostics);
            }
        }
        if (diagnostics.errors().size() > before) {
            return Optional.empty();
        }
        boolean constant = template.getExpressions().isEmpty();
        if (constant && source.length() > maxOutputChars) {
            // A constant template renders to its source without the render-time length check; refuse it here.
            diagnostics.error(path, "the text is " + source.length() + " characters, more than the limit of "
                    + maxOutputChars);
            return Optional.empty();
        }
        return Optional.of(new CompiledTemplate(template, source, maxOutputChars, constant));
    }

    /** Checks one expression; returns true when it warned that data placeholders cannot be checked. */
    private boolean check(Expression expression, String path, TemplateScope scope, Set<String> locals,
            Diagnostics d, boolean alreadyWarned) {
        if (expression.isLiteral()) {
            return false;
        }
        String shown = "{" + expression.toOriginalString() + "}";
        if (expression.hasNamespace()) {
            d.error(path, "placeholder " + shown + ": namespaces are not available; use event.* or rule.*");
            return false;
        }
        List<Expression.Part> parts = expression.getParts();
        boolean warned = false;
        int firstMethod = parts.size();
        for (int i = 0; i < parts.size(); i++) {
            Expression.Part part = parts.get(i);
            if (part.isVirtualMethod()) {
                if (firstMethod == parts.size()) {
                    firstMethod = i;
                }
                if (!ALLOWED_METHODS.contains(part.getName())) {
                    d.error(path, "placeholder " + shown + ": \"" + part.getName() + "\" is not available; "
                            + "placeholders read event properties and may use " + String.join(", ", sorted(ALLOWED_METHODS)));
                    return false;
                }
                if (NameHelpers.isHelper(part.getName())) {
                    var problem = NameHelpers.check(part);
                    if (problem.isPresent()) {
                        d.error(path, "placeholder " + shown + ": " + problem.get());
                        return false;
                    }
                }
                for (Expression param : part.asVirtualMethod().getParameters()) {
                    warned |= check(param, path, scope, locals, d, alreadyWarned || warned);
                }
            }
        }
        List<String> names = parts.subList(0, firstMethod).stream().map(Expression.Part::getName).toList();
        if (names.isEmpty()) {
            return warned;
        }
        String root = names.get(0);
        if (root.equals("event")) {
            return checkEvent(names, shown, path, scope, d, alreadyWarned || warned) || warned;
        }
        if (root.equals("rule")) {
            if (names.size() != 2 || !EventModel.RULE_PROPERTIES.contains(names.get(1))) {
                d.error(path, "placeholder " + shown + ": rule has the properties " + EventModel.RULE_PROPERTIES);
            }
            return warned;
        }
        if (locals.contains(root) || locals.stream().anyMatch(l -> root.startsWith(l + "_"))) {
            return warned;
        }
        d.error(path, "placeholder " + shown + ": unknown name \"" + root + "\"; placeholders start with event. or rule.");
        return warned;
    }

    private boolean checkEvent(List<String> names, String shown, String path, TemplateScope scope, Diagnostics d,
            boolean alreadyWarned) {
        if (names.size() == 1) {
            d.error(path, "placeholder " + shown + ": name a property of event: " + EventModel.EVENT_PROPERTIES);
            return false;
        }
        String property = names.get(1);
        if (!EventModel.EVENT_PROPERTIES.contains(property)) {
            d.error(path, "placeholder " + shown + ": event has no property \"" + property + "\"; it has "
                    + EventModel.EVENT_PROPERTIES);
            return false;
        }
        switch (property) {
            case "workspace" -> {
                if (names.size() != 3 || !EventModel.WORKSPACE_PROPERTIES.contains(names.get(2))) {
                    d.error(path, "placeholder " + shown + ": event.workspace has the properties "
                            + EventModel.WORKSPACE_PROPERTIES);
                }
                return false;
            }
            case "data" -> {
                return checkData(names, shown, path, scope, d, alreadyWarned);
            }
            case "studioUrl" -> {
                if (scope.isKnown() && !scope.allHaveStudioUrl()) {
                    d.error(path, "placeholder " + shown + ": only run and drift events have a studio link, but this "
                            + "rule can match " + scope.types());
                }
            }
            default -> {
            }
        }
        if (names.size() > 2) {
            d.error(path, "placeholder " + shown + ": event." + property + " is a single value; \"." + names.get(2)
                    + "\" cannot follow it");
        }
        return false;
    }

    private boolean checkData(List<String> names, String shown, String path, TemplateScope scope, Diagnostics d,
            boolean alreadyWarned) {
        if (names.size() < 3) {
            return false;
        }
        if (!scope.isKnown()) {
            if (!alreadyWarned) {
                d.warning(path, "placeholder " + shown + " cannot be checked: the rule's filter does not limit "
                        + "includedEventTypes to known event types, so a missing value fails the action at run time");
                return true;
            }
            return false;
        }
        String member = names.get(2);
        for (String type : scope.types()) {
            var found = EventModel.member(type, member);
            if (found.isEmpty()) {
                d.error(path, "placeholder " + shown + ": " + type + " has no data member \"" + member + "\"; it has "
                        + EventModel.dataOf(type).keySet());
                return false;
            }
            if (found.get().getValue() == EventModel.Kind.SCALAR && names.size() > 3) {
                d.error(path, "placeholder " + shown + ": data." + found.get().getKey() + " of " + type
                        + " is a single value; \"." + names.get(3) + "\" cannot follow it");
                return false;
            }
        }
        return false;
    }

    /** {@code digest.<property>}: one of {@link #DIGEST_PROPERTIES}. */
    private static void checkDigest(Expression expression, String path, Diagnostics d) {
        List<Expression.Part> parts = expression.isLiteral() ? List.of() : expression.getParts();
        if (parts.isEmpty() || !parts.get(0).getName().equals("digest") || parts.get(0).isVirtualMethod()) {
            return;
        }
        if (parts.size() < 2 || !DIGEST_PROPERTIES.contains(parts.get(1).getName())) {
            d.error(path, "placeholder {" + expression.toOriginalString() + "}: digest has the properties "
                    + DIGEST_PROPERTIES);
        }
    }

    private static Set<String> locals(String source) {
        Set<String> locals = new HashSet<>(Set.of("it"));
        Matcher loop = LOOP_ALIAS.matcher(source);
        while (loop.find()) {
            locals.add(loop.group(1));
        }
        Matcher let = LET_SECTION.matcher(source);
        while (let.find()) {
            Matcher names = LET_ALIAS.matcher(let.group(1));
            while (names.find()) {
                locals.add(names.group(1));
            }
        }
        return locals;
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private static String firstLine(String msg) {
        if (msg == null) {
            return "invalid template";
        }
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
