package io.amlrouter.rules.load;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.schema.DataField;
import io.amlrouter.rules.schema.EventCatalog;
import io.amlrouter.rules.schema.EventTypeSchema;
import io.amlrouter.rules.template.NameHelpers;

/**
 * Warnings on the actions of a rule, against the event types its filter lets through:
 * <ul>
 * <li>a mail recipient ({@code email.to}, {@code cc}, {@code bcc}) or an online endpoint or deployment name
 * ({@code amlOnlineDeployment.endpoint}, {@code deployment}) read from a free-form map ({@code runTags},
 * {@code modelTags}, ...) without a default: the map need not hold the key, and the action then fails;
 * <li>an online endpoint or deployment name with placeholders that can render a name Azure refuses (3 to 32 letters,
 * digits and '-', starting with a letter, not ending with '-'): a placeholder whose value is not limited to those
 * characters by {@code replaceDisallowed} (nor a field known to be a whole number or a name Azure accepted), one not
 * bounded by {@code truncHash}, text and bounds adding up to more than 32 characters, or literal text Azure refuses.
 * </ul>
 * A name without placeholders is checked exactly when the rules load (an error), so it is not looked at here.
 */
public final class ActionLint {

    /** The recipient fields of each action kind, and its ARM name fields. */
    private static final Map<String, List<String>> RECIPIENTS = Map.of("email", List.of("to", "cc", "bcc"));
    private static final Map<String, List<String>> ONLINE_NAMES = Map.of("amlOnlineDeployment",
            List.of("endpoint", "deployment"));

    static final int ONLINE_NAME_MAX = 32;
    private static final String ONLINE_RULE = "3 to 32 letters, digits and '-', starting with a letter and ending "
            + "with a letter or digit";
    private static final Pattern NAME_CHARS = Pattern.compile("[A-Za-z0-9-]*");
    private static final Pattern REPLACE = Pattern.compile("replaceDisallowed\\(\\s*'([^']*)'\\s*,\\s*'([^']*)'\\s*\\)");
    private static final Pattern TRUNCATE = Pattern.compile("truncHash\\(\\s*(\\d+)\\s*\\)");

    private final Diagnostics d;
    private final List<EventTypeSchema> types;

    private ActionLint(Diagnostics d, List<EventTypeSchema> types) {
        this.d = d;
        this.types = types;
    }

    /**
     * Checks a rule's {@code actions} list (at {@code path}) for a rule that can match {@code scopeTypes} (canonical
     * names; empty for every type).
     */
    public static void check(JsonNode actions, String path, List<String> scopeTypes, Diagnostics diagnostics) {
        if (actions == null || !actions.isArray()) {
            return;
        }
        List<EventTypeSchema> types = scopeTypes.isEmpty() ? EventCatalog.types()
                : scopeTypes.stream().map(EventCatalog::find).flatMap(Optional::stream).toList();
        ActionLint lint = new ActionLint(diagnostics, types);
        for (int i = 0; i < actions.size(); i++) {
            JsonNode action = actions.get(i);
            if (action == null || !action.isObject() || action.size() != 1) {
                continue;
            }
            String kind = action.fieldNames().next();
            JsonNode body = action.get(kind);
            String at = path + "[" + i + "]." + kind;
            for (String field : RECIPIENTS.getOrDefault(kind, List.of())) {
                lint.texts(body.get(field), at + "." + field, null);
            }
            for (String field : ONLINE_NAMES.getOrDefault(kind, List.of())) {
                lint.texts(body.get(field), at + "." + field, "online " + field);
            }
        }
    }

    private void texts(JsonNode node, String path, String onlineName) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            text(node.textValue(), path, onlineName);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                if (node.get(i).isTextual()) {
                    text(node.get(i).textValue(), path + "[" + i + "]", onlineName);
                }
            }
        }
    }

    private void text(String text, String path, String onlineName) {
        Placeholder.Split split = Placeholder.split(text);
        for (Placeholder p : split.placeholders()) {
            String map = freeFormMap(p);
            if (map != null && !p.hasDefault()) {
                d.warning(path, p.text() + " reads the free-form map " + map + ", which need not hold \""
                        + p.beyondMember().get(0) + "\"; without a default the action fails when it is missing: give "
                        + "one, e.g. {" + String.join(".", p.parts()) + " ?: '...'}");
                return;
            }
        }
        if (onlineName != null && !split.placeholders().isEmpty()) {
            onlineNameProblem(split).ifPresent(problem -> d.warning(path, "the " + onlineName + " name " + problem
                    + "; Azure's rule: " + ONLINE_RULE + " (build names with the name helpers, e.g. "
                    + "{event.data.modelName.lower().replaceDisallowed('a-z0-9-', '-').truncHash(24)})"));
        }
    }

    /** The free-form map a placeholder reads a key of ({@code runTags}), or null. */
    private String freeFormMap(Placeholder p) {
        String member = p.dataMember();
        if (member == null || p.beyondMember().isEmpty()) {
            return null;
        }
        return types.stream().map(t -> t.field(member)).flatMap(Optional::stream).filter(DataField::isMap)
                .map(DataField::name).findFirst().orElse(null);
    }

    /** Why a templated online name can render one Azure refuses, or empty when it cannot. */
    private Optional<String> onlineNameProblem(Placeholder.Split split) {
        List<String> literals = split.literals();
        for (String literal : literals) {
            if (!NAME_CHARS.matcher(literal).matches()) {
                return Optional.of("holds the text \"" + literal + "\", which is not only letters, digits and '-'");
            }
        }
        if (!literals.get(0).isEmpty() && !Character.isLetter(literals.get(0).charAt(0))) {
            return Optional.of("starts with \"" + literals.get(0).charAt(0) + "\", not a letter");
        }
        String last = literals.get(literals.size() - 1);
        if (last.endsWith("-")) {
            return Optional.of("ends with '-'");
        }
        int length = literals.stream().mapToInt(String::length).sum();
        for (Placeholder p : split.placeholders()) {
            Part part = part(p);
            if (!part.safe()) {
                return Optional.of("can render characters other than letters, digits and '-' from " + p.text());
            }
            if (part.max() == null) {
                return Optional.of("can render more than " + ONLINE_NAME_MAX + " characters from " + p.text()
                        + " (bound it with truncHash)");
            }
            length += part.max();
        }
        if (length > ONLINE_NAME_MAX) {
            return Optional.of("can render " + length + " characters (its text and the truncHash bounds), more than "
                    + ONLINE_NAME_MAX);
        }
        return Optional.empty();
    }

    /**
     * What a placeholder renders, as far as the text tells: only letters, digits and '-' ({@code safe}), and at most
     * {@code max} characters (null: no bound; 0 for a whole number, which is not counted).
     */
    private record Part(boolean safe, Integer max) {
    }

    private Part part(Placeholder p) {
        boolean safe = false;
        Integer max = null;
        String member = p.dataMember();
        if (member != null && p.beyondMember().isEmpty()) {
            List<DataField> fields = types.stream().map(t -> t.field(member)).flatMap(Optional::stream).toList();
            if (!fields.isEmpty() && fields.stream().allMatch(f -> f.shape() == DataField.Shape.WHOLE_NUMBER)) {
                safe = true;
                max = 0;
            } else if (!fields.isEmpty() && fields.stream().allMatch(f -> f.shape() == DataField.Shape.ONLINE_NAME)) {
                safe = true;
                max = ONLINE_NAME_MAX;
            }
        } else if (p.parts().size() >= 2 && p.parts().get(0).equals("rule") && p.parts().get(1).equals("name")) {
            safe = true;
            max = 63;
        }
        for (String call : p.calls()) {
            Matcher replace = REPLACE.matcher(call);
            Matcher truncate = TRUNCATE.matcher(call);
            if (replace.matches()) {
                safe = replacesToNameCharacters(replace.group(1), replace.group(2));
            } else if (truncate.matches()) {
                int n = Integer.parseInt(truncate.group(1));
                max = max == null ? n : Math.min(max, n);
            }
        }
        return new Part(safe, max);
    }

    /** Whether replaceDisallowed(set, replacement) leaves only letters, digits and '-', whatever the value. */
    private static boolean replacesToNameCharacters(String set, String replacement) {
        try {
            StringBuilder every = new StringBuilder("\u00e9\u4e2d");
            for (char c = 0x20; c <= 0x7e; c++) {
                every.append(c);
            }
            return NAME_CHARS.matcher(NameHelpers.replaceDisallowed(every.toString(), set, replacement)).matches();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
