package io.amlrouter.ingest.eventhubs;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.smallrye.common.annotation.Identifier;

/**
 * {@link EventHubsConfig} as the {@code eventhubs} channel's Kafka configuration (the bean its
 * {@code kafka-configuration} attribute names). Properties not set here can be added as the channel's own
 * {@code mp.messaging.incoming.eventhubs.*} keys. Settings that do not depend on the deployment (commit and failure
 * strategies, deserializers) are here too, so the whole channel reads in one place.
 */
public class EventHubsKafkaConfig {

    /** The identifier of the configuration bean. */
    public static final String BEAN = "eventhubs-kafka";
    /** The channel. */
    public static final String CHANNEL = "eventhubs";
    /** The JAAS option carrying the token scope to {@link EntraTokenCallbackHandler}. */
    static final String SCOPE_OPTION = "scope";

    @Produces
    @Singleton
    @Identifier(BEAN)
    Map<String, Object> channel(EventHubsConfig config) {
        return settings(config);
    }

    /** The channel's settings; fails with a message naming the key when the configuration cannot work. */
    static Map<String, Object> settings(EventHubsConfig config) {
        String servers = config.bootstrapServers().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "ingest.eventhubs.bootstrap-servers (" + EventHubsConfig.BOOTSTRAP_ENV + ") is not set"));
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", servers);
        c.put("topic", config.topic());
        c.put("group.id", config.consumerGroup());
        c.put("auto.offset.reset", config.autoOffsetReset());
        c.put("key.deserializer", StringDeserializer.class.getName());
        c.put("value.deserializer", ByteArrayDeserializer.class.getName());
        // Records of a partition finish out of order; throttled commits the highest offset below which every
        // record is acknowledged (done or dead-lettered), never past one still in flight. Its forward-only
        // variant never sends a commit that would move an offset back (a stale one queued across a rebalance).
        c.put("commit-strategy", ForwardOnlyCommits.STRATEGY);
        // An unacknowledged record older than this marks the channel unhealthy: the longest a record can stay
        // in flight is its whole retry budget.
        c.put("throttled.unprocessed-record-max-age.ms", String.valueOf(Backoff.budget(config.retry())
                .plus(Duration.ofMinutes(1)).toMillis()));
        // A nacked record (not an event, or still owed past the retry budget) goes to the dead-letter topic,
        // with the reason in its dead-letter-reason header, and is then committed.
        c.put("failure-strategy", "dead-letter-queue");
        c.put("dead-letter-queue.topic", config.deadLetterTopicName());
        // Event Hubs' recommendations for Kafka clients (session timeout within its 30 s idle limit).
        c.put("session.timeout.ms", "30000");
        c.put("request.timeout.ms", "60000");
        switch (config.auth()) {
            case ENTRA -> {
                c.put("security.protocol", "SASL_SSL");
                c.put("sasl.mechanism", "OAUTHBEARER");
                c.put("sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                        + SCOPE_OPTION + "=\"" + scope(config, servers) + "\";");
                c.put("sasl.login.callback.handler.class", EntraTokenCallbackHandler.class.getName());
            }
            case CONNECTION_STRING -> {
                String secret = config.connectionString().filter(s -> !s.isBlank()).orElseThrow(
                        () -> new IllegalStateException("ingest.eventhubs.auth=connection-string needs "
                                + "ingest.eventhubs.connection-string (INGEST_EVENTHUBS_CONNECTION_STRING)"));
                c.put("security.protocol", "SASL_SSL");
                c.put("sasl.mechanism", "PLAIN");
                c.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"$ConnectionString\" password=\"" + secret.replace("\\", "\\\\").replace("\"", "\\\"")
                        + "\";");
            }
            case NONE -> {
                if (!config.allowPlaintext()) {
                    throw new IllegalStateException("ingest.eventhubs.auth=none (plaintext, unauthenticated) is "
                            + "refused unless ingest.eventhubs.allow-plaintext=true; use entra or connection-string "
                            + "with Event Hubs");
                }
                c.put("security.protocol", "PLAINTEXT");
            }
            default -> throw new IllegalStateException("unknown ingest.eventhubs.auth " + config.auth());
        }
        return c;
    }

    /** The token scope: configured, or {@code https://<host of the first bootstrap server>/.default}. */
    static String scope(EventHubsConfig config, String servers) {
        return config.tokenScope().filter(s -> !s.isBlank()).orElseGet(() -> {
            String first = servers.split(",")[0].trim();
            String host = URI.create("kafka://" + first).getHost();
            if (host == null) {
                throw new IllegalStateException("ingest.eventhubs.bootstrap-servers: cannot read a host name in \""
                        + first + "\" (expected <namespace>.servicebus.windows.net:9093)");
            }
            return "https://" + host.toLowerCase(Locale.ROOT) + "/.default";
        });
    }
}
