package io.amlrouter.rules.action;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import io.amlrouter.rules.template.RenderException;

/** Names that become segments of ARM resource paths: derived job names and checked rendered names. */
public final class ArmNames {

    /** Azure ML's job name rule (the {@code id} of Jobs - Create Or Update). */
    public static final Pattern JOB_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9\\-_]{0,254}$");

    /**
     * What a rendered name may be to become one path segment: it can never add, climb or end a path
     * ({@code /}, {@code ..}, {@code ?}, {@code #}, {@code %}). Azure's own naming rules are stricter
     * and enforced by ARM (a 400, so a dead letter naming ARM's reason).
     */
    private static final Pattern SEGMENT = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$");

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
