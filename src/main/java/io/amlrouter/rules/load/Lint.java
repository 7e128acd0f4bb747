package io.amlrouter.rules.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.diagnostics.Violation;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code lint [--strict] [--format text|json] FILE...}: the service's own loader, offline. Prints a summary and
 * exits 0 when every file is valid; prints every violation and exits 1 otherwise (with {@code --strict} also when
 * there is a warning); exits 2 when a file cannot be read, no file is given or an option is unknown. A Kubernetes
 * ConfigMap manifest is accepted as it is: each {@code data} entry named {@code *.yaml} or {@code *.yml} is linted,
 * located by the manifest's lines. {@code --format json} prints the findings (file, line, column, severity, rule,
 * path, message) for CI annotations. For CI in GitOps repositories, before a ConfigMap change reaches the cluster.
 */
public final class Lint {

    private Lint() {
    }

    static final String USAGE = """
            usage: lint FILE [FILE...] [--strict] [--format text|json]
              checks aml-event-router rules files, or Kubernetes ConfigMap manifests whose data entries
              named *.yaml / *.yml are rules files (located by the manifest's lines)
              --strict        warnings fail the lint too
              --format json   print the findings as JSON for CI annotations: {"findings": [{"file", "line",
                              "column", "severity" (error|warning), "rule", "path", "message"}]}
              exit 0 = valid, 1 = a file is invalid (or has a warning, with --strict), 2 = a file cannot be read
              or the command line is wrong""";

    /** One error or warning, located in the file given on the command line (line and column 1-based, when known). */
    @RegisterForReflection
    public record Finding(String file, Integer line, Integer column, String severity, String rule, String path,
            String message) {
    }

    private record Options(boolean strict, boolean json, List<String> files) {
    }

    /** Where a rules text sits in the file given: its first line and the indentation of its lines (a ConfigMap entry). */
    private record Embedding(int lineOffset, int columnOffset, YamlLocator.Position fixed) {
        static final Embedding NONE = new Embedding(0, 0, null);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (java.util.Arrays.stream(args).anyMatch(f -> f.equals("--help") || f.equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        Options options = options(args);
        if (options == null || options.files().isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        RuleSetLoader loader = RuleSetLoader.withDefaults();
        List<Finding> findings = new ArrayList<>();
        int status = 0;
        for (String file : options.files()) {
            String text;
            try {
                text = new String(Files.readAllBytes(Path.of(file)), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("ERROR " + file + ": cannot read: " + e.getMessage());
                status = 2;
                continue;
            }
            YamlLocator manifest = YamlLocator.of(text);
            List<NodeTuple> entries = configMapEntries(manifest);
            if (entries == null) {
                status = Math.max(status, lint(loader, file, file, text, manifest, Embedding.NONE, options, out, findings));
                continue;
            }
            if (entries.isEmpty()) {
                Violation v = new Violation("data", "a ConfigMap without a data entry named *.yaml or *.yml: no rules to check");
                YamlLocator.Position at = manifest.locate("data").orElse(null);
                findings.add(finding(file, at, "error", null, v));
                if (!options.json()) {
                    out.println("INVALID " + file + ": 1 violation(s)");
                    out.println("  error   " + v);
                }
                status = Math.max(status, 1);
            }
            for (NodeTuple entry : entries) {
                String key = ((ScalarNode) entry.getKeyNode()).getValue();
                ScalarNode value = (ScalarNode) entry.getValueNode();
                String source = file + "#data." + key;
                status = Math.max(status, lint(loader, source, file, value.getValue(), YamlLocator.of(value.getValue()),
                        embedding(text, value), options, out, findings));
            }
        }
        if (options.json()) {
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(java.util.Map.of("findings", findings)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return status;
    }

    private static Options options(String[] args) {
        boolean strict = false;
        boolean json = false;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--strict")) {
                strict = true;
            } else if (a.equals("--format") || a.startsWith("--format=")) {
                String format = a.equals("--format") ? (i + 1 < args.length ? args[++i] : "") : a.substring(9);
                if (!format.equals("json") && !format.equals("text")) {
                    return null;
                }
                json = format.equals("json");
            } else if (a.startsWith("--")) {
                return null;
            } else {
                files.add(a);
            }
        }
        return new Options(strict, json, files);
    }

    /** The data entries named *.yaml / *.yml of a ConfigMap manifest, or null when the file is not a ConfigMap. */
    private static List<NodeTuple> configMapEntries(YamlLocator manifest) {
        Node root = manifest.root().orElse(null);
        NodeTuple kind = YamlLocator.member(root, "kind");
        if (kind == null || !(kind.getValueNode() instanceof ScalarNode k) || !k.getValue().equals("ConfigMap")) {
            return null;
        }
        NodeTuple data = YamlLocator.member(root, "data");
        List<NodeTuple> out = new ArrayList<>();
        for (NodeTuple t : data == null ? List.<NodeTuple>of() : YamlLocator.members(data.getValueNode())) {
            if (t.getKeyNode() instanceof ScalarNode key && t.getValueNode() instanceof ScalarNode
                    && (key.getValue().endsWith(".yaml") || key.getValue().endsWith(".yml"))) {
                out.add(t);
            }
        }
        return out;
    }

    /** A literal block ({@code |}) keeps the lines: its text starts on the next line, indented; other styles do not. */
    private static Embedding embedding(String manifest, ScalarNode value) {
        int start = value.getStartMark().getLine() + 1;
        if (value.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL) {
            String[] lines = manifest.split("\n", -1);
            for (int i = start; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    return new Embedding(start, lines[i].length() - lines[i].stripLeading().length(), null);
                }
            }
        }
        return new Embedding(0, 0, new YamlLocator.Position(start, value.getStartMark().getColumn() + 1));
    }

    private static int lint(RuleSetLoader loader, String source, String file, String text, YamlLocator locator,
            Embedding embedding, Options options, PrintStream out, List<Finding> findings) {
        LoadResult result = loader.load(text.getBytes(StandardCharsets.UTF_8), source);
        int status = 0;
        List<String> lines = new ArrayList<>();
        if (result instanceof LoadResult.Loaded loaded) {
            RuleSet set = loaded.ruleSet();
            lines.add("OK " + source + ": " + set.rules().size() + " rule(s)"
                    + (set.rules().isEmpty() ? "" : " (" + String.join(", ", set.rules().stream().map(Rule::name).toList()) + ")")
                    + ", " + (set.workspaces().isEmpty() ? "any workspace" : set.workspaces().size() + " workspace(s)")
                    + ", " + set.rules().stream().mapToInt(r -> r.actions().size()).sum() + " action(s), version "
                    + set.shortVersion());
        } else {
            LoadResult.Invalid invalid = (LoadResult.Invalid) result;
            lines.add("INVALID " + source + ": " + invalid.errors().size() + " violation(s)");
            for (Violation v : invalid.errors()) {
                lines.add("  error   " + v);
                findings.add(locate(file, locator, embedding, "error", v));
            }
            status = 1;
        }
        for (Violation w : result.warnings()) {
            lines.add("  warning " + w);
            findings.add(locate(file, locator, embedding, "warning", w));
            if (options.strict()) {
                status = 1;
            }
        }
        if (!options.json()) {
            lines.forEach(out::println);
        }
        return status;
    }

    private static Finding locate(String file, YamlLocator locator, Embedding embedding, String severity, Violation v) {
        YamlLocator.Position at = embedding.fixed() != null ? embedding.fixed()
                : locator.locate(v.path()).map(p -> new YamlLocator.Position(p.line() + embedding.lineOffset(),
                        p.column() + embedding.columnOffset())).orElse(null);
        return finding(file, at, severity, locator.ruleName(v.path()).orElse(null), v);
    }

    private static Finding finding(String file, YamlLocator.Position at, String severity, String rule, Violation v) {
        return new Finding(file, at == null ? null : at.line(), at == null ? null : at.column(), severity, rule,
                v.path(), v.message());
    }
}
