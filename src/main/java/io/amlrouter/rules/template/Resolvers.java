package io.amlrouter.rules.template;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.Json;
import io.amlrouter.events.MlEvent;
import io.amlrouter.events.Workspace;
import io.quarkus.qute.EvalContext;
import io.quarkus.qute.Results;
import io.quarkus.qute.ValueResolver;
import io.quarkus.qute.WithPriority;

/**
 * The only way a template reaches data: named properties of the event, the rule, the workspace and
 * the event's JSON {@code data}. No reflection and no method calls, so a template can read the event
 * model and nothing else (and the native image needs no reflection configuration for it).
 */
final class Resolvers {

    private Resolvers() {
    }

    /** The {@code event} root. */
    record EventRoot(MlEvent event) {
    }

    /** The {@code rule} root. */
    record RuleRoot(String name, String description) {
    }

    static final ValueResolver EVENT = new ValueResolver() {
        @Override
        public boolean appliesTo(EvalContext context) {
            return context.getBase() instanceof EventRoot;
        }

        @Override
        public CompletionStage<Object> resolve(EvalContext context) {
            MlEvent e = ((EventRoot) context.getBase()).event();
            Object value = switch (context.getName()) {
                case "id" -> e.id();
                case "type" -> e.type();
                case "subject" -> e.subject();
                case "time" -> e.envelope().time();
                case "topic", "source" -> e.envelope().topic();
                case "dataVersion" -> e.envelope().dataVersion();
                case "schema" -> e.envelope().schema().name();
                case "workspace" -> e.envelope().workspace();
                case "studioUrl" -> e.studioUrl().orElse(null);
                case "data" -> e.envelope().data();
                default -> NOT_FOUND;
            };
            if (value == NOT_FOUND || value == null || (value instanceof JsonNode n && n.isMissingNode())) {
                return Results.notFound(context);
            }
            return CompletableFuture.completedFuture(value instanceof JsonNode n ? unwrap(n) : value);
        }
    };

    /** The {@code digest} root of a grouped action's templates. */
    record DigestRoot(DigestView digest) {
    }

    static final ValueResolver DIGEST = properties(DigestRoot.class, (d, name) -> switch (name) {
        case "count" -> d.digest().count();
        case "more" -> d.digest().more();
        case "key" -> d.digest().key() == null || d.digest().key().isEmpty() ? null : d.digest().key();
        case "events" -> d.digest().events().stream().map(EventRoot::new).toList();
        default -> null;
    });

    static final ValueResolver RULE = properties(RuleRoot.class, (r, name) -> switch (name) {
        case "name" -> r.name();
        case "description" -> r.description();
        default -> null;
    });

    static final ValueResolver WORKSPACE = properties(Workspace.class, (w, name) -> switch (name) {
        case "name" -> w.name();
        case "resourceGroup" -> w.resourceGroup();
        case "subscriptionId" -> w.subscriptionId();
        case "id" -> w.armId();
        default -> null;
    });

    /** A resolver for the named properties of one type; null means "no such property". */
    private static <T> ValueResolver properties(Class<T> type, BiFunction<T, String, Object> lookup) {
        return new ValueResolver() {
            @Override
            public boolean appliesTo(EvalContext context) {
                return type.isInstance(context.getBase());
            }

            @Override
            public CompletionStage<Object> resolve(EvalContext context) {
                Object value = lookup.apply(type.cast(context.getBase()), context.getName());
                return value == null ? Results.notFound(context) : CompletableFuture.completedFuture(value);
            }
        };
    }

    /**
     * JSON objects by member name (any case); scalars become strings, numbers and booleans. It comes
     * before the collection resolver, so a tag named {@code size} is the tag, not the count.
     */
    static final ValueResolver JSON = new ValueResolver() {
        @Override
        public int getPriority() {
            return WithPriority.DEFAULT_PRIORITY + 5;
        }

        @Override
        public boolean appliesTo(EvalContext context) {
            return (context.getBase() instanceof JsonNode || context.getBase() instanceof JsonObject)
                    && context.getParams().isEmpty();
        }

        @Override
        public CompletionStage<Object> resolve(EvalContext context) {
            Object base = context.getBase();
            JsonNode node = base instanceof JsonObject o ? o.node() : (JsonNode) base;
            JsonNode member = Json.field(node, context.getName());
            if (member.isMissingNode() || member.isNull()) {
                // A JSON null has no value to print: like a missing member it fails a plain placeholder
                // (never a blank) and takes the default of {x ?: 'y'} and {#if x??}.
                return Results.notFound(context);
            }
            return CompletableFuture.completedFuture(unwrap(member));
        }
    };

    private static final Object NOT_FOUND = new Object();

    /**
     * Values a template prints or tests: JSON null is null, arrays are lists, objects are
     * {@link JsonObject}s (members by name, entries in a loop).
     */
    static Object unwrap(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isArray()) {
            List<Object> items = new ArrayList<>(node.size());
            node.forEach(n -> items.add(unwrap(n)));
            return items;
        }
        if (node.isObject()) {
            return new JsonObject((ObjectNode) node);
        }
        return node;
    }

    /**
     * A JSON object as a template sees it: {@code {tags.owner}} reads a member (any case),
     * {@code {#for tag in tags}{tag.key}={tag.value}{/for}} walks its members in document order,
     * {@code {#if tags}} is false when it has none, and printing it prints the JSON. Tags and
     * properties have keys nobody knows in advance, so mail templates need the loop.
     */
    static final class JsonObject extends AbstractCollection<Map.Entry<String, Object>> {

        private final ObjectNode node;

        JsonObject(ObjectNode node) {
            this.node = node;
        }

        ObjectNode node() {
            return node;
        }

        @Override
        public Iterator<Map.Entry<String, Object>> iterator() {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return fields.hasNext();
                }

                @Override
                public Map.Entry<String, Object> next() {
                    Map.Entry<String, JsonNode> e = fields.next();
                    return new AbstractMap.SimpleImmutableEntry<>(e.getKey(), unwrap(e.getValue()));
                }
            };
        }

        @Override
        public int size() {
            return node.size();
        }

        @Override
        public String toString() {
            return node.toString();
        }
    }
}
