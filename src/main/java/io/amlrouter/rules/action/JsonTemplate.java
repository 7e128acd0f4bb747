package io.amlrouter.rules.action;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.template.CompiledTemplate;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateContext;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * A JSON (or YAML) document whose string values may hold placeholders: request bodies of jobs,
 * pipeline runs and webhooks. Keys, numbers and booleans are kept as written; every string value is
 * a template, checked at load and filled at render. Rendered strings stay strings.
 */
public final class JsonTemplate {

    private sealed interface Node permits Literal, Text, Obj, Arr {
    }

    private record Literal(JsonNode value) implements Node {
    }

    private record Text(CompiledTemplate template) implements Node {
    }

    private record Obj(List<Map.Entry<String, Node>> members) implements Node {
    }

    private record Arr(List<Node> items) implements Node {
    }

    private final Node root;

    private JsonTemplate(Node root) {
        this.root = root;
    }

    /** Compiles every string of {@code document}; empty when one of them has a problem (reported). */
    public static Optional<JsonTemplate> compile(JsonNode document, String path, Templates templates,
            TemplateScope scope, Diagnostics diagnostics) {
        int before = diagnostics.errors().size();
        Node root = compileNode(document, path, templates, scope, diagnostics);
        return diagnostics.errors().size() > before ? Optional.empty() : Optional.of(new JsonTemplate(root));
    }

    private static Node compileNode(JsonNode node, String path, Templates templates, TemplateScope scope,
            Diagnostics d) {
        if (node.isTextual()) {
            return templates.compile(node.textValue(), false, path, scope, d).<Node>map(Text::new)
                    .orElse(new Literal(node));
        }
        if (node.isObject()) {
            List<Map.Entry<String, Node>> members = new ArrayList<>();
            node.fields().forEachRemaining(e -> members.add(Map.entry(e.getKey(),
                    compileNode(e.getValue(), path + "." + e.getKey(), templates, scope, d))));
            return new Obj(List.copyOf(members));
        }
        if (node.isArray()) {
            List<Node> items = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                items.add(compileNode(node.get(i), path + "[" + i + "]", templates, scope, d));
            }
            return new Arr(List.copyOf(items));
        }
        return new Literal(node.deepCopy());
    }

    public JsonNode render(TemplateContext context) throws RenderException {
        return renderNode(root, context);
    }

    private static JsonNode renderNode(Node node, TemplateContext context) throws RenderException {
        if (node instanceof Literal l) {
            return l.value();
        }
        if (node instanceof Text t) {
            return JsonNodeFactory.instance.textNode(t.template().render(context));
        }
        if (node instanceof Obj o) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, Node> e : o.members()) {
                out.set(e.getKey(), renderNode(e.getValue(), context));
            }
            return out;
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Node item : ((Arr) node).items()) {
            out.add(renderNode(item, context));
        }
        return out;
    }
}
