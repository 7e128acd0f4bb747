package io.amlrouter.ingest.eventhubs;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Event Hubs ingest: Event Grid's deliveries read from an event hub through its Kafka endpoint. Off
 * unless {@link #bootstrapServers()} is set ({@code INGEST_EVENTHUBS_BOOTSTRAP_SERVERS}); both ingests
 * may run at once. {@link EventHubsKafkaConfig} maps these keys onto the {@code eventhubs} channel of the
 * SmallRye Kafka connector; a Kafka client property these keys do not set (a trust store, say) can be added as
 * {@code mp.messaging.incoming.eventhubs.<property>} (docs/operations.md).
 */
@ConfigMapping(prefix = "ingest.eventhubs")
public interface EventHubsConfig {

    /** The environment variable that turns the consumer on. */
    String BOOTSTRAP_ENV = "INGEST_EVENTHUBS_BOOTSTRAP_SERVERS";

    /** How the consumer authenticates to the broker. */
    enum Auth {
        /** SASL_SSL + OAUTHBEARER, tokens from the service's Azure identity (workload identity: no secret). */
        ENTRA,
        /** SASL_SSL + PLAIN, user {@code $ConnectionString}, the namespace's connection string as password. */
        CONNECTION_STRING,
        /** Plaintext, no authentication: local brokers and tests only, refused unless {@link #allowPlaintext()}. */
        NONE
    }

    /**
     * The namespace's Kafka endpoint, e.g. {@code myns.servicebus.windows.net:9093}. Setting it turns the
     * consumer on. No default (off).
     */
    Optional<String> bootstrapServers();

    /** The event hub (Kafka topic) Event Grid delivers to. Defaults to aml-events. */
    @WithDefault("aml-events")
    String topic();

    /**
     * The consumer group (an Event Hubs consumer group); every replica uses the same one, so the partitions
     * are shared among them. Defaults to aml-event-router.
     */
    @WithDefault("aml-event-router")
    String consumerGroup();

    /** {@code entra} (default), {@code connection-string} or {@code none}. Defaults to entra. */
    @WithDefault("entra")
    Auth auth();

    /**
     * The token scope with {@code auth=entra}. Defaults to {@code https://<namespace host>/.default}, the host
     * taken from the first bootstrap server.
     */
    Optional<String> tokenScope();

    /**
     * The namespace's (or event hub's) connection string with {@code auth=connection-string}
     * ({@code INGEST_EVENTHUBS_CONNECTION_STRING}, from a Secret). No default.
     */
    Optional<String> connectionString();

    /** Lets {@code auth=none} start (plaintext, unauthenticated: local brokers only). Defaults to false. */
    @WithDefault("false")
    boolean allowPlaintext();

    /**
     * Where records go that are not events or whose actions are still owed after the retry budget: another
     * event hub (Kafka topic), with the reason in the {@code dead-letter-reason} header. Defaults to
     * {@code <topic>-dead-letters}.
     */
    Optional<String> deadLetterTopic();

    /**
     * Records being processed at once on this replica, over all its partitions. Records of a partition are
     * processed concurrently and committed in order; at this bound the consumer stops fetching until one
     * finishes. Defaults to 200.
     */
    @WithDefault("200")
    int maxInFlight();

    /** Where a consumer group with no committed offset starts: {@code earliest} or {@code latest}. Defaults to earliest. */
    @WithDefault("earliest")
    String autoOffsetReset();

    /** The router's own retries of a record whose actions failed transiently. */
    Retry retry();

    interface Retry {
        /** Attempts of one record, the first included, before it is dead-lettered. Defaults to 8. */
        @WithDefault("8")
        int maxAttempts();

        /** The wait before the second attempt; doubled each time, up to {@link #maxDelay()}. Defaults to 1s. */
        @WithDefault("1s")
        Duration initialDelay();

        /** The longest wait between two attempts. Defaults to 60s. */
        @WithDefault("60s")
        Duration maxDelay();

        /** Each wait is drawn at random within plus or minus this share of it (0 to 1). Defaults to 0.2. */
        @WithDefault("0.2")
        double jitter();

        /**
         * How long one attempt waits for its actions before it counts as unfinished (they go on; the next
         * attempt joins or finds them done). Defaults to 30s.
         */
        @WithDefault("30s")
        Duration attemptTimeout();
    }

    /** The dead-letter topic this configuration names. */
    default String deadLetterTopicName() {
        return deadLetterTopic().orElse(topic() + "-dead-letters");
    }
}
