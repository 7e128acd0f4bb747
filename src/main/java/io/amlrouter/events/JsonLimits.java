package io.amlrouter.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Bounds on what a hostile body may cost to parse. Jackson enforces them while it reads, so a
 * nesting bomb, a number of a million digits or a huge property name fails fast in bounded memory.
 *
 * @param maxEvents events in one delivery (Event Grid batches hold at most 5,000)
 * @param maxNestingDepth JSON nesting depth
 * @param maxNumberLength characters in one number
 * @param maxStringLength characters in one string value
 * @param maxNameLength characters in one property name
 * @param maxIdLength characters in one event id (Event Grid's are GUIDs); the id is a key in the ledger and
 *            the history and part of a URL ({@code GET /events/{id}}), so it must stay small
 */
public record JsonLimits(int maxEvents, int maxNestingDepth, int maxNumberLength, int maxStringLength,
        int maxNameLength, int maxIdLength) {

    /** The defaults: an Azure ML event nests 4 levels and its longest string is a few KB. */
    public static JsonLimits defaults() {
        return new JsonLimits(5000, 64, 100, 1_048_576, 1024, 256);
    }

    /** A strict JSON mapper: these limits, duplicate keys rejected, trailing content rejected. */
    public ObjectMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxNestingDepth)
                        .maxNumberLength(maxNumberLength)
                        .maxStringLength(maxStringLength)
                        .maxNameLength(maxNameLength)
                        .build())
                .disable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
                .build();
        return JsonMapper.builder(factory)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }
}
