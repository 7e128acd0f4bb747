package io.amlrouter.rules.guard;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.amlrouter.rules.diagnostics.Diagnostics;

/**
 * Durations in the rules file: a whole number and a unit ({@code 30s}, {@code 2m}, {@code 24h}, {@code 7d};
 * also {@code ms}), as the service's own configuration writes them, or ISO-8601 ({@code PT24H}, {@code P1D}).
 */
public final class GuardDurations {

    private static final Pattern SHORT = Pattern.compile("^(\\d{1,9})(ms|s|m|h|d)$");

    private GuardDurations() {
    }

    /** The duration written as {@code text}, if it is one (zero and negative ones included). */
    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip();
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return Optional.of(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        if (t.length() > 1 && (t.charAt(0) == 'P' || t.charAt(0) == 'p')) {
            try {
                return Optional.of(Duration.parse(t));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Reads a duration at {@code path} that must lie within [{@code min}, {@code max}]; reports and answers empty
     * otherwise.
     */
    public static Optional<Duration> read(String text, String path, Duration min, Duration max, Diagnostics d) {
        Optional<Duration> parsed = parse(text);
        if (parsed.isEmpty()) {
            d.error(path, "\"" + text + "\" is not a duration; write a whole number and a unit (30s, 2m, 24h, 7d) "
                    + "or ISO-8601 (PT24H)");
            return Optional.empty();
        }
        Duration v = parsed.get();
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            d.error(path, "must be from " + show(min) + " to " + show(max) + ", got " + text.strip());
            return Optional.empty();
        }
        return parsed;
    }

    /** A duration as the rules file writes it ({@code 24h}, {@code 90s}). */
    public static String show(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
