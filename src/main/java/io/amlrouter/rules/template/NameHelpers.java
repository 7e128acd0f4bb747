package io.amlrouter.rules.template;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.quarkus.qute.EvalContext;
import io.quarkus.qute.Expression;
import io.quarkus.qute.ValueResolver;
import io.quarkus.qute.WithPriority;

/**
 * String helpers for placeholders, so that a name Azure accepts can always be built from event values:
 * <ul>
 * <li>{@code lower()}, {@code upper()}: the value in lower or upper case (ASCII rules, no locale);
 * <li>{@code replaceDisallowed('a-z0-9-', '-')}: every character outside the set (single characters and
 * ranges {@code x-y} of printable ASCII; a {@code -} first or last is itself) replaced by the second
 * argument, one character or {@code ''} to drop it;
 * <li>{@code truncHash(32)}: the value unchanged when it has at most that many characters, else its start
 * (without trailing {@code -}, {@code _}, {@code .}) + {@code -} + 8 hex digits of SHA-256 of the whole
 * value, at most that long: stable, and distinct values stay distinct.
 * </ul>
 * They apply to strings, numbers and booleans, are pure (same input, same output), take literal arguments
 * only (checked when the rules load) and do work proportional to the value's length. Plain code behind a
 * {@link ValueResolver}: no reflection.
 */
public final class NameHelpers {

    /** Helper name to its number of arguments. */
    static final Map<String, Integer> ARITY = Map.of("lower", 0, "upper", 0, "replaceDisallowed", 2, "truncHash", 1);

    /** Shortest length {@code truncHash} accepts: one character, the hyphen and the 8-digit hash. */
    static final int MIN_TRUNCATE = 10;
    static final int MAX_TRUNCATE = 1024;
    private static final int HASH_CHARS = 8;
    private static final int MAX_SET_CHARS = 128;

    private NameHelpers() {
    }

    static boolean isHelper(String name) {
        return ARITY.containsKey(name);
    }

    /** Why a call of a helper in a template is not valid, or empty when it is. */
    static Optional<String> check(Expression.Part part) {
        String name = part.getName();
        List<Expression> params = part.asVirtualMethod().getParameters();
        int arity = ARITY.get(name);
        if (params.size() != arity) {
            return Optional.of(name + "() takes " + arity + " argument(s), not " + params.size() + "; " + usage(name));
        }
        for (Expression p : params) {
            if (!p.isLiteral()) {
                return Optional.of(name + "(): arguments are literals ('text' or a number), not \""
                        + p.toOriginalString() + "\"; " + usage(name));
            }
        }
        try {
            switch (name) {
                case "replaceDisallowed" -> {
                    allowedSet(string(params.get(0).getLiteral(), name));
                    replacement(string(params.get(1).getLiteral(), name));
                }
                case "truncHash" -> length(params.get(0).getLiteral());
                default -> {
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage() + "; " + usage(name));
        }
        return Optional.empty();
    }

    private static String usage(String name) {
        return switch (name) {
            case "replaceDisallowed" -> "e.g. replaceDisallowed('a-z0-9-', '-')";
            case "truncHash" -> "e.g. truncHash(32), from " + MIN_TRUNCATE + " to " + MAX_TRUNCATE;
            default -> "e.g. " + name + "()";
        };
    }

    /** Resolves {@code value.helper(...)} for a string, number or boolean value. */
    static final ValueResolver RESOLVER = new ValueResolver() {
        @Override
        public int getPriority() {
            return WithPriority.DEFAULT_PRIORITY + 10;
        }

        @Override
        public boolean appliesTo(EvalContext context) {
            Object base = context.getBase();
            Integer arity = ARITY.get(context.getName());
            return arity != null && context.getParams().size() == arity
                    && (base instanceof String || base instanceof Number || base instanceof Boolean);
        }

        @Override
        public CompletionStage<Object> resolve(EvalContext context) {
            String value = context.getBase().toString();
            List<Expression> params = context.getParams();
            try {
                Object out = switch (context.getName()) {
                    case "lower" -> lower(value);
                    case "upper" -> upper(value);
                    case "replaceDisallowed" -> replaceDisallowed(value, string(params.get(0).getLiteral(),
                            "replaceDisallowed"), string(params.get(1).getLiteral(), "replaceDisallowed"));
                    default -> truncHash(value, length(params.get(0).getLiteral()));
                };
                return CompletableFuture.completedFuture(out);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    };

    public static String lower(String value) {
        return value.toLowerCase(Locale.ROOT);
    }

    public static String upper(String value) {
        return value.toUpperCase(Locale.ROOT);
    }

    /** Every code point outside {@code set} replaced by {@code replacement} (one character, or empty to drop). */
    public static String replaceDisallowed(String value, String set, String replacement) {
        boolean[] allowed = allowedSet(set);
        replacement(replacement);
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            if (c < allowed.length && allowed[c]) {
                out.append((char) c);
            } else {
                out.append(replacement);
            }
        });
        return out.toString();
    }

    /**
     * {@code value} when it has at most {@code max} characters; else its first {@code max - 9} characters
     * without trailing {@code -}, {@code _} or {@code .}, then {@code -} and the first 8 hex digits of the
     * SHA-256 of the whole value (UTF-8).
     */
    public static String truncHash(String value, int max) {
        if (max < MIN_TRUNCATE || max > MAX_TRUNCATE) {
            throw new IllegalArgumentException("truncHash(" + max + "): the length must be from " + MIN_TRUNCATE
                    + " to " + MAX_TRUNCATE);
        }
        if (value.length() <= max) {
            return value;
        }
        int end = max - HASH_CHARS - 1;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        String start = value.substring(0, end).replaceAll("[-_.]+$", "");
        String hash = hash(value);
        return start.isEmpty() ? hash : start + "-" + hash;
    }

    private static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, HASH_CHARS / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The printable ASCII characters a set such as {@code a-z0-9-} allows. */
    static boolean[] allowedSet(String set) {
        if (set.isEmpty() || set.length() > MAX_SET_CHARS) {
            throw new IllegalArgumentException("replaceDisallowed(): the set of allowed characters must have 1 to "
                    + MAX_SET_CHARS + " characters");
        }
        boolean[] allowed = new boolean[128];
        for (int i = 0; i < set.length(); i++) {
            char c = set.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("replaceDisallowed(): the set '" + set
                        + "' may hold printable ASCII characters only");
            }
            if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
                char to = set.charAt(i + 2);
                if (to < c || to > 0x7e) {
                    throw new IllegalArgumentException("replaceDisallowed(): the range " + c + "-" + to + " in '" + set
                            + "' must run upwards within printable ASCII");
                }
                for (char x = c; x <= to; x++) {
                    allowed[x] = true;
                }
                i += 2;
            } else {
                allowed[c] = true;
            }
        }
        return allowed;
    }

    private static void replacement(String replacement) {
        if (replacement.codePointCount(0, replacement.length()) > 1) {
            throw new IllegalArgumentException("replaceDisallowed(): the replacement '" + replacement
                    + "' must be one character, or '' to drop the character");
        }
    }

    private static String string(Object literal, String helper) {
        if (!(literal instanceof String s)) {
            throw new IllegalArgumentException(helper + "(): " + literal + " is not a 'quoted text'");
        }
        return s;
    }

    private static int length(Object literal) {
        if (!(literal instanceof Integer n)) {
            throw new IllegalArgumentException("truncHash(): " + literal + " is not a whole number");
        }
        if (n < MIN_TRUNCATE || n > MAX_TRUNCATE) {
            throw new IllegalArgumentException("truncHash(" + n + "): the length must be from " + MIN_TRUNCATE + " to "
                    + MAX_TRUNCATE);
        }
        return n;
    }
}
