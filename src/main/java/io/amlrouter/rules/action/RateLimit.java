package io.amlrouter.rules.action;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.guard.GuardDurations;
import io.amlrouter.rules.template.CompiledTemplate;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * The {@code limit} of an action: at most {@code max} runs per rendered {@code key} in any sliding window of
 * {@code per}, across replicas. Without a key every event of the action shares one window.
 *
 * @param key the key template ({@code {event.data.dataDriftName}}), or null for one window
 */
public record RateLimit(CompiledTemplate key, int max, Duration per) {

    static final List<String> KEYS = List.of("key", "max", "per");
    /** The shortest window: shorter ones are no guard. */
    public static final Duration MIN_PER = Duration.ofSeconds(1);
    /** The longest window: the store keeps the runs of a window that long. */
    public static final Duration MAX_PER = Duration.ofDays(31);
    /** The most runs per window a limit may allow. */
    public static final int MAX_MAX = 1_000_000;

    /** The key's text as written, or an empty string. */
    public String keySource() {
        return key == null ? "" : key.source();
    }

    /** The key for this event: the rendered template, or an empty string without one. */
    public String render(ActionContext context) throws RenderException {
        return key == null ? "" : key.render(context.templates());
    }

    /** Reads {@code limit} at {@code path}: reported and empty when it has an error. */
    public static Optional<RateLimit> parse(JsonNode node, String path, TemplateScope scope, Templates templates,
            Diagnostics d) {
        Optional<StrictObject> opened = StrictObject.open(node, path, d, KEYS);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        StrictObject o = opened.get();
        int before = d.errors().size();
        CompiledTemplate key = null;
        Optional<String> keyText = o.string("key", false);
        if (keyText.isPresent()) {
            if (keyText.get().isBlank()) {
                d.error(o.path("key"), "must not be empty; leave it out for one window shared by every event");
            } else {
                key = templates.compile(keyText.get(), false, o.path("key"), scope, d).orElse(null);
            }
        }
        if (!o.has("max")) {
            d.error(o.path("max"), "is required: the most runs per window (1 or more)");
        }
        OptionalInt max = o.integer("max", 1, MAX_MAX);
        Optional<Duration> per = Optional.empty();
        if (!o.has("per")) {
            d.error(o.path("per"), "is required: the window, e.g. 24h");
        } else {
            per = o.string("per", true)
                    .flatMap(text -> GuardDurations.read(text, o.path("per"), MIN_PER, MAX_PER, d));
        }
        if (d.errors().size() > before || max.isEmpty() || per.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RateLimit(key, max.getAsInt(), per.get()));
    }
}
