package io.amlrouter.rules.action;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.amlrouter.rules.template.RenderException;

/** Names that become segments of ARM resource paths: derived job names and checked rendered names. */
public final class ArmNames {

    /** Azure ML's job name rule (the {@code id} of Jobs - Create Or Update). */
    public static final Pattern JOB_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9\\-_]{0,254}$");

    /**
     * What a rendered name may be to become one path segment: it can never add, climb or end a path
     * ({@code /}, {@code ..}, {@code ?}, {@code #}, {@code %}). Used for model names and versions;
     * endpoint and deployment names are held to Azure's own rule ({@link #ONLINE_NAME}).
     */
    private static final Pattern SEGMENT = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$");

    /**
     * Azure ML's rule for online endpoint and online deployment names, as its SDK checks it
     * ({@code azure-ai-ml}, {@code validate_endpoint_or_deployment_name}): 3 to 32 characters, letters, digits
     * and '-', starting with a letter and ending with a letter or digit. (The REST spec's path pattern is
     * looser; the service refuses what this refuses.)
     */
    public static final Pattern ONLINE_NAME = Pattern.compile("^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$");
    public static final int ONLINE_NAME_MIN = 3;
    public static final int ONLINE_NAME_MAX = 32;
    static final String ONLINE_RULE = "3 to 32 characters: letters, digits and '-', starting with a letter and "
            + "ending with a letter or digit";
    static final String ONLINE_HINT = "build it with the name helpers, e.g. "
            + "\"{event.data.modelName.lower().replaceDisallowed('a-z0-9-', '-').truncHash(24)}"
            + "-v{event.data.modelVersion}\"";

    private static final int HASH_HEX_CHARS = 20;

    private ArmNames() {
    }

    /**
     * The job name of an {@code amlJob} action: {@code {rule}-{action index}-{20 hex digits of
     * SHA-256(event id, rule, action index)}}, e.g. {@code retrain-on-drift-0-4f1c0d9a7e52b3a16c88}.
     * The same event, rule and action always give the same name, so a redelivered event finds the job
     * it already created instead of starting a second one. At most 63 + 1 + 3 + 1 + 20 characters of
     * a-z, 0-9 and '-', within Azure's job name rule.
     */
    public static String jobName(String eventId, String rule, int actionIndex) {
        String name = rule + "-" + actionIndex + "-" + hash(eventId + "\n" + rule + "\n" + actionIndex);
        if (!JOB_NAME.matcher(name).matches()) {
            throw new IllegalStateException("derived job name " + name + " breaks Azure's rule");
        }
        return name;
    }

    /** What is wrong with an online endpoint or deployment name by Azure's rule, or empty when nothing is. */
    public static Optional<String> onlineNameProblem(String name) {
        List<String> problems = new ArrayList<>();
        if (name.length() < ONLINE_NAME_MIN || name.length() > ONLINE_NAME_MAX) {
            problems.add("it has " + name.length() + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '-'))) {
                problems.add("'" + new String(Character.toChars(name.codePointAt(i))) + "' is not a letter, digit or '-'");
                break;
            }
        }
        if (!name.isEmpty() && !(name.charAt(0) < 128 && Character.isLetter(name.charAt(0)))) {
            problems.add("it does not start with a letter");
        }
        if (name.endsWith("-")) {
            problems.add("it ends with '-'");
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", problems));
    }

    /**
     * The reason an online endpoint or deployment name breaks Azure's rule, e.g. {@code "credit_default-v3"
     * is not a valid online deployment name: '_' is not a letter, digit or '-' (Azure's rule: 3 to 32
     * characters ...)}; empty when the name is valid. {@code what} is "online endpoint" or "online deployment".
     */
    public static Optional<String> onlineNameError(String name, String what) {
        return onlineNameProblem(name).map(problem -> "\"" + name + "\" is not a valid " + what + " name: " + problem
                + " (Azure's rule: " + ONLINE_RULE + "); " + ONLINE_HINT);
    }

    /** Checks a rendered online endpoint or deployment name against Azure's rule. */
    static String onlineName(String value, String field, String what) throws RenderException {
        Optional<String> error = onlineNameError(value, what);
        if (error.isPresent()) {
            throw new RenderException(field + ": " + error.get());
        }
        return value;
    }

    /** Checks that a rendered value is one safe path segment. */
    static String segment(String value, String field) throws RenderException {
        if (value == null || !SEGMENT.matcher(value).matches() || value.contains("..")) {
            throw new RenderException(field + ": \"" + value + "\" is not a valid Azure resource name (letters, digits, "
                    + "'-', '_' and '.', starting with a letter or digit, at most 255 characters)");
        }
        return value;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
