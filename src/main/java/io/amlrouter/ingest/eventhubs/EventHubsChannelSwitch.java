package io.amlrouter.ingest.eventhubs;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Turns the {@code eventhubs} channel on exactly when {@code ingest.eventhubs.bootstrap-servers} is set
 * ({@code mp.messaging.incoming.eventhubs.enabled}): without it the connector creates no consumer, opens no
 * connection and adds no health check, so the service (dev mode and tests included) runs with no broker.
 * A low ordinal: an explicit {@code MP_MESSAGING_INCOMING_EVENTHUBS_ENABLED} still wins.
 */
public class EventHubsChannelSwitch implements ConfigSourceFactory {

    static final String ENABLED = "mp.messaging.incoming." + EventHubsKafkaConfig.CHANNEL + ".enabled";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue servers = context.getValue("ingest.eventhubs.bootstrap-servers");
        boolean on = servers != null && servers.getValue() != null && !servers.getValue().isBlank();
        return List.of(new PropertiesConfigSource(Map.of(ENABLED, String.valueOf(on)), "ingest.eventhubs switch", 90));
    }
}
