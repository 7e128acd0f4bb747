package io.amlrouter.guard;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.Violation;
import io.amlrouter.rules.guard.Silence;
import io.amlrouter.rules.guard.SilenceParser;

/**
 * A silence asked for through the admin API ({@code POST /silences}) or the console's form: the JSON is read with
 * bounded nesting and number length, then checked by {@link SilenceParser#fromApi} (a new random id, {@code startsAt}
 * defaulting to now). One place for both, so the console refuses exactly what the API refuses.
 */
public final class SilenceRequest {

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(100).build())
            .build()).build();

    /** The outcome of the checks: a silence ready to store, or the errors by field. */
    public sealed interface Checked permits Valid, Invalid {
    }

    public record Valid(Silence silence) implements Checked {
    }

    /** @param errors each with the path of its field ({@code endsAt}, {@code filter.advancedFilters[0].key}) */
    public record Invalid(List<Violation> errors) implements Checked {
    }

    private SilenceRequest() {
    }

    /** Reads JSON text with the API's limits; fails with the parser's message when it is not JSON. */
    public static JsonNode read(byte[] json) throws IOException {
        return JSON.readTree(json);
    }

    /** Checks a silence as {@code POST /silences} takes it, at {@code now}. */
    public static Checked check(JsonNode body, Instant now) {
        Diagnostics d = new Diagnostics();
        var parsed = SilenceParser.fromApi(body, d, now, UUID.randomUUID().toString());
        if (parsed.isEmpty() || d.hasErrors()) {
            return new Invalid(List.copyOf(d.errors()));
        }
        return new Valid(parsed.get());
    }
}
