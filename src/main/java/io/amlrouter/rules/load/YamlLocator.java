package io.amlrouter.rules.load;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Finds where a loader path ({@code rules[2].filter.advancedFilters[0].key}) is in a YAML text: the 1-based line and
 * column of the key (for a mapping member) or of the item (for a list element), and the name of the rule it is in.
 * A path that leads nowhere (a required key that is missing) is located at the deepest node it reaches; a YAML
 * syntax error already carries its location ({@code (line 3, column 5)}).
 */
final class YamlLocator {

    record Position(int line, int column) {
    }

    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");
    private static final Pattern SYNTAX = Pattern.compile("\\(line (\\d+), column (\\d+)\\)");

    private final Node root;

    private YamlLocator(Node root) {
        this.root = root;
    }

    /** Composes the text (no objects are built); a text that is not YAML gives a locator that knows nothing. */
    static YamlLocator of(String text) {
        try {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(20);
            options.setNestingDepthLimit(64);
            return new YamlLocator(new Yaml(options).compose(new StringReader(text)));
        } catch (RuntimeException e) {
            return new YamlLocator(null);
        }
    }

    Optional<Node> root() {
        return Optional.ofNullable(root);
    }

    Optional<Position> locate(String path) {
        Matcher syntax = SYNTAX.matcher(path);
        if (syntax.matches()) {
            return Optional.of(new Position(Integer.parseInt(syntax.group(1)), Integer.parseInt(syntax.group(2))));
        }
        if (root == null || path.startsWith("(")) {
            return Optional.empty();
        }
        Node node = root;
        Mark mark = root.getStartMark();
        Matcher m = SEGMENT.matcher(path);
        while (m.find() && node != null) {
            if (m.group(1) != null) {
                NodeTuple member = member(node, m.group(1));
                if (member == null) {
                    break;
                }
                mark = member.getKeyNode().getStartMark();
                node = member.getValueNode();
            } else if (node instanceof SequenceNode seq && Integer.parseInt(m.group(2)) < seq.getValue().size()) {
                node = seq.getValue().get(Integer.parseInt(m.group(2)));
                mark = node.getStartMark();
            } else {
                break;
            }
        }
        return Optional.of(new Position(mark.getLine() + 1, mark.getColumn() + 1));
    }

    /** The name of the rule a path is in ({@code rules[i]...}), when the file gives it as a plain string. */
    Optional<String> ruleName(String path) {
        Matcher m = Pattern.compile("^rules\\[(\\d+)]").matcher(path);
        if (!m.find() || root == null) {
            return Optional.empty();
        }
        NodeTuple rules = member(root, "rules");
        if (rules == null || !(rules.getValueNode() instanceof SequenceNode seq)
                || Integer.parseInt(m.group(1)) >= seq.getValue().size()) {
            return Optional.empty();
        }
        NodeTuple name = member(seq.getValue().get(Integer.parseInt(m.group(1))), "name");
        return name != null && name.getValueNode() instanceof ScalarNode s ? Optional.of(s.getValue()) : Optional.empty();
    }

    static NodeTuple member(Node node, String key) {
        if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t;
                }
            }
        }
        return null;
    }

    static List<NodeTuple> members(Node node) {
        return node instanceof MappingNode map ? map.getValue() : new ArrayList<>();
    }
}
