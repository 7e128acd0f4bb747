package io.amlrouter.ingest;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.JsonLimits;
import io.amlrouter.events.MlEventMapper;

/** The one {@link EventDecoder}, configured from {@code ingest.json.*}; the dry run uses it too. */
public class DecoderProducer {

    @Produces
    @Singleton
    EventDecoder decoder(IngestConfig config) {
        IngestConfig.Json json = config.json();
        JsonLimits limits = new JsonLimits(json.maxEvents(), json.maxNestingDepth(), json.maxNumberLength(),
                JsonLimits.defaults().maxStringLength(), json.maxNameLength(), json.maxIdLength());
        return new EventDecoder(limits, new MlEventMapper(config.studioUrl()));
    }
}
