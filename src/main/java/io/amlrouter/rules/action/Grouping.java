package io.amlrouter.rules.action;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.template.CompiledTemplate;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateContext;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * {@code group: {by, wait, interval}} of an {@code email} or {@code webhook} action: the events of the rule
 * whose {@code by} renders to the same key go out as one digest. The first event of a group waits
 * {@code wait} for others; a group that keeps receiving events sends at most one digest per {@code interval}.
 * Durations are written {@code 30s}, {@code 2m}, {@code 1h30m}, {@code 24h} or ISO-8601 ({@code PT2M}), between
 * {@link #MIN} and {@link #MAX}.
 *
 * @param by the group key template; {@code null} puts every event of the action in one group
 * @param groupWait {@code wait}: how long the first event of a group waits for others
 */
public record Grouping(CompiledTemplate by, Duration groupWait, Duration interval) {

    static final List<String> KEYS = List.of("by", "wait", "interval");

    /** Alertmanager's {@code group_wait} and {@code group_interval} defaults. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    public static final Duration MIN = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofHours(24);

    /** Longest key kept (a longer rendered key is cut; the group id hashes the whole key). */
    static final int MAX_KEY_CHARS = 200;

    private static final Pattern SHORT = Pattern.compile("(?:(\\d{1,9})(ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    /** The group key of the event: {@code by} rendered, control characters removed, at most 200 characters. */
    public String key(TemplateContext context) throws RenderException {
        if (by == null) {
            return "";
        }
        String key = EmailAction.headerValue(by.render(context));
        return key.length() > MAX_KEY_CHARS ? key.substring(0, MAX_KEY_CHARS) : key;
    }

    /** Reads {@code group} of the action {@code o}, if given. Problems are reported; empty when there was one. */
    static Optional<Grouping> parse(StrictObject o, TemplateScope scope, Templates templates) {
        if (!o.has("group")) {
            return Optional.empty();
        }
        Diagnostics d = o.diagnostics();
        int before = d.errors().size();
        Optional<StrictObject> g = StrictObject.open(o.node("group").get(), o.path("group"), d, KEYS);
        if (g.isEmpty()) {
            return Optional.empty();
        }
        StrictObject group = g.get();
        CompiledTemplate by = group.string("by", false).flatMap(s -> {
            if (s.isBlank()) {
                d.error(group.path("by"), "must not be empty; leave \"by\" out to put every event of the action "
                        + "in one group");
                return Optional.empty();
            }
            return templates.compile(s, false, group.path("by"), scope, d);
        }).orElse(null);
        Duration wait = duration(group, "wait", DEFAULT_WAIT);
        Duration interval = duration(group, "interval", DEFAULT_INTERVAL);
        if (d.errors().size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Grouping(by, wait, interval));
    }

    private static Duration duration(StrictObject o, String key, Duration fallback) {
        Optional<JsonNode> node = o.node(key);
        if (node.isEmpty()) {
            return fallback;
        }
        Optional<Duration> parsed = node.get().isTextual() ? parseDuration(node.get().textValue()) : Optional.empty();
        if (parsed.isEmpty()) {
            o.diagnostics().error(o.path(key), "must be a duration such as 30s, 2m, 1h30m, 24h or PT2M, got "
                    + StrictObject.describe(node.get()));
            return fallback;
        }
        Duration d = parsed.get();
        if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
            o.diagnostics().error(o.path(key), "must be between 1s and 24h, got " + node.get().textValue());
            return fallback;
        }
        return d;
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}, {@code 1d}, or ISO-8601 ({@code PT2M}, {@code P1D}). */
    public static Optional<Duration> parseDuration(String text) {
        String s = text.strip();
        if (SHORT.matcher(s).matches()) {
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(s);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            return Optional.of(total);
        }
        if (s.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Optional.of(Duration.parse(s));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
