package io.amlrouter.rules.template;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.events.Json;
import io.amlrouter.events.MlEvent;
import io.amlrouter.events.Workspace;
import io.quarkus.qute.EvalContext;
import io.quarkus.qute.Results;
import io.quarkus.qute.ValueResolver;

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
            return value == NOT_FOUND || value == null || (value instanceof JsonNode n && n.isMissingNode())
                    ? Results.notFound(context)
                    : CompletableFuture.completedFuture(value);
        }
    };

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

    /** JSON objects by member name (any case); scalars become strings, numbers and booleans. */
    static final ValueResolver JSON = new ValueResolver() {
        @Override
        public boolean appliesTo(EvalContext context) {
            return context.getBase() instanceof JsonNode && context.getParams().isEmpty();
        }

        @Override
        public CompletionStage<Object> resolve(EvalContext context) {
            JsonNode member = Json.field((JsonNode) context.getBase(), context.getName());
            if (member.isMissingNode()) {
                return Results.notFound(context);
            }
            return CompletableFuture.completedFuture(unwrap(member));
        }
    };

    private static final Object NOT_FOUND = new Object();

    /** Values a template prints or tests: JSON null is null, arrays are lists, objects stay JSON. */
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
        return node;
    }
}
