package io.amlrouter.rules.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.amlrouter.events.Workspace;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.action.ActionParsers;
import io.amlrouter.rules.action.ActionSettings;
import io.amlrouter.rules.action.ActionSpec;
import io.amlrouter.rules.action.RateLimit;
import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.filter.EventFilter;
import io.amlrouter.rules.filter.FilterParser;
import io.amlrouter.rules.guard.Silence;
import io.amlrouter.rules.guard.SilenceParser;
import io.amlrouter.rules.schema.FilterLint;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * Reads a rules file (YAML, or JSON, which is YAML too) strictly and compiles it: unknown keys are
 * errors, every violation is reported at once with its path
 * ({@code rules[2].filter.advancedFilters[0].operatorType: unknown operator "StringLike"}), filters and
 * templates are compiled and checked. The same loader runs in the service, on reload, in the dry run
 * and in the offline {@code lint} command. No framework: plain Java.
 */
public final class RuleSetLoader {

    static final List<String> TOP_KEYS = List.of("workspaces", "rules", "silences");
    static final List<String> RULE_KEYS = List.of("name", "description", "filter", "actions");
    static final Pattern RULE_NAME = Pattern.compile("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$");
    /** Largest rules file accepted (a ConfigMap holds at most 1 MiB). */
    public static final int MAX_FILE_BYTES = 1024 * 1024;

    private final ObjectMapper yaml;
    private final ActionParsers actions;
    private final Clock clock;

    public RuleSetLoader(Templates templates, ActionSettings settings, Clock clock) {
        this.actions = new ActionParsers(templates, settings);
        this.clock = clock;
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(64);
        options.setCodePointLimit(MAX_FILE_BYTES * 2);
        YAMLFactory factory = YAMLFactory.builder().loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(100).build())
                .build();
        this.yaml = new YAMLMapper(factory);
    }

    /** A loader with the default limits, as the offline linter uses. */
    public static RuleSetLoader withDefaults() {
        return new RuleSetLoader(new Templates(100_000), ActionSettings.defaults(), Clock.systemUTC());
    }

    public ActionParsers actionParsers() {
        return actions;
    }

    public LoadResult load(byte[] content, String source) {
        Diagnostics d = new Diagnostics();
        if (content.length > MAX_FILE_BYTES) {
            d.error("(file)", "the file is " + content.length + " bytes; at most " + MAX_FILE_BYTES + " are read");
            return new LoadResult.Invalid(d.errors(), d.warnings());
        }
        JsonNode root;
        try {
            root = yaml.readTree(content);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "(file)"
                    : "(line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            d.error(where, "not valid YAML: " + yamlProblem(e));
            return new LoadResult.Invalid(d.errors(), d.warnings());
        } catch (IOException | RuntimeException e) {
            d.error("(file)", "not readable: " + firstLine(e.getMessage()));
            return new LoadResult.Invalid(d.errors(), d.warnings());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            d.error("(file)", "the file is empty; it needs a \"rules\" list");
            return new LoadResult.Invalid(d.errors(), d.warnings());
        }
        if (!root.isObject()) {
            d.error("(file)", "must be a mapping with the keys workspaces and rules, got " + StrictObject.describe(root));
            return new LoadResult.Invalid(d.errors(), d.warnings());
        }
        Optional<StrictObject> top = StrictObject.open(root, "", d, TOP_KEYS);
        if (top.isEmpty()) {
            return new LoadResult.Invalid(d.errors(), d.warnings());
        }
        List<Workspace> workspaces = workspaces(top.get(), d);
        List<Rule> rules = rules(top.get(), d);
        java.time.Instant loadedAt = clock.instant();
        List<Silence> silences = top.get().node("silences").map(s -> SilenceParser.fromFile(s, d, loadedAt))
                .orElse(List.of());
        if (d.hasErrors()) {
            return new LoadResult.Invalid(d.errors(), d.warnings());
        }
        return new LoadResult.Loaded(new RuleSet(version(content), loadedAt, source, rules, workspaces,
                d.warnings(), silences));
    }

    private static List<Workspace> workspaces(StrictObject top, Diagnostics d) {
        List<Workspace> out = new ArrayList<>();
        top.strings("workspaces", false).ifPresent(ids -> {
            for (int i = 0; i < ids.size(); i++) {
                Optional<Workspace> w = Workspace.fromArmId(ids.get(i));
                if (w.isEmpty()) {
                    d.error("workspaces[" + i + "]", "\"" + ids.get(i) + "\" is not an Azure ML workspace id "
                            + "(/subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{name})");
                } else {
                    out.add(w.get());
                }
            }
        });
        return out;
    }

    private List<Rule> rules(StrictObject top, Diagnostics d) {
        Optional<JsonNode> list = top.node("rules");
        if (list.isEmpty()) {
            d.error("rules", "is required: a list of rules");
            return List.of();
        }
        if (!list.get().isArray()) {
            d.error("rules", "must be a list of rules, got " + StrictObject.describe(list.get()));
            return List.of();
        }
        List<Rule> out = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < list.get().size(); i++) {
            String path = "rules[" + i + "]";
            Optional<StrictObject> o = StrictObject.open(list.get().get(i), path, d, RULE_KEYS);
            if (o.isEmpty()) {
                continue;
            }
            rule(o.get(), d, names, i).ifPresent(out::add);
        }
        if (list.get().isEmpty()) {
            d.warning("rules", "the list is empty: no event will be acted on");
        }
        return out;
    }

    private Optional<Rule> rule(StrictObject o, Diagnostics d, Map<String, Integer> names, int index) {
        int before = d.errors().size();
        Optional<String> name = o.string("name", true);
        name.ifPresent(n -> {
            if (!RULE_NAME.matcher(n).matches()) {
                d.error(o.path("name"), "\"" + n + "\" must be 1-63 characters of a-z, 0-9 and '-', starting and "
                        + "ending with a letter or digit");
            }
            Integer first = names.putIfAbsent(n, index);
            if (first != null) {
                d.error(o.path("name"), "duplicate rule name \"" + n + "\" (also rules[" + first + "])");
            }
        });
        Optional<String> description = o.string("description", false);
        EventFilter filter = EventFilter.matchAll();
        JsonNode filterSource = null;
        TemplateScope scope = TemplateScope.ANY;
        Optional<JsonNode> filterNode = o.node("filter");
        if (filterNode.isPresent()) {
            filterSource = filterNode.get();
            filter = FilterParser.parse(filterSource, o.path("filter"), d).orElse(null);
            if (filter != null) {
                FilterLint.check(filterSource, o.path("filter"), d);
            }
            scope = scopeOf(filterSource);
        }
        List<ActionSpec> specs = new ArrayList<>();
        Map<Integer, RateLimit> limits = new HashMap<>();
        Optional<JsonNode> actionList = o.node("actions");
        if (actionList.isEmpty() || (actionList.get().isArray() && actionList.get().isEmpty())) {
            d.error(o.path("actions"), "a rule needs at least one action");
        } else if (!actionList.get().isArray()) {
            d.error(o.path("actions"), "must be a list of actions, got " + StrictObject.describe(actionList.get()));
        } else {
            for (int i = 0; i < actionList.get().size(); i++) {
                int at = i;
                actions.parseWithLimit(actionList.get().get(i), o.path("actions") + "[" + i + "]", scope, d)
                        .ifPresent(p -> {
                            specs.add(p.spec());
                            if (p.limit() != null) {
                                limits.put(at, p.limit());
                            }
                        });
            }
        }
        ActionLint.check(actionList.orElse(null), o.path("actions"), scope.types(), d);
        if (d.errors().size() > before || filter == null) {
            return Optional.empty();
        }
        List<JsonNode> sources = new ArrayList<>();
        actionList.get().forEach(sources::add);
        return Optional.of(new Rule(name.get(), description.orElse(null), filter, filterSource, specs, sources, scope,
                limits));
    }

    /** The event types a filter lets through: its includedEventTypes, or the union of every anyOf group's. */
    static TemplateScope scopeOf(JsonNode filter) {
        List<String> types = types(filter);
        if (!types.isEmpty()) {
            return TemplateScope.of(types);
        }
        JsonNode anyOf = filter.path("anyOf");
        if (!anyOf.isArray() || anyOf.isEmpty()) {
            return TemplateScope.ANY;
        }
        List<String> union = new ArrayList<>();
        for (JsonNode group : anyOf) {
            TemplateScope s = scopeOf(group);
            if (!s.isKnown()) {
                return TemplateScope.ANY;
            }
            union.addAll(s.types());
        }
        return TemplateScope.of(union);
    }

    private static List<String> types(JsonNode filter) {
        JsonNode types = filter.path("includedEventTypes");
        List<String> out = new ArrayList<>();
        if (types.isArray()) {
            types.forEach(t -> out.add(t.asText()));
        }
        return out;
    }

    static String version(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SnakeYAML's context and problem ("while parsing a flow sequence: expected ',' or ']'..."). */
    private static String yamlProblem(JsonProcessingException e) {
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked && marked.getProblem() != null) {
            return (marked.getContext() == null ? "" : marked.getContext() + ": ") + marked.getProblem();
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String firstLine(String msg) {
        if (msg == null) {
            return "unknown error";
        }
        int nl = msg.indexOf('\n');
        return (nl < 0 ? msg : msg.substring(0, nl)).strip();
    }

    /** Convenience for tests and the linter. */
    public LoadResult load(String content, String source) {
        return load(content.getBytes(StandardCharsets.UTF_8), source);
    }
}
