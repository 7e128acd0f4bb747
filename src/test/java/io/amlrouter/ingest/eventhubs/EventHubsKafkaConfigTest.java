package io.amlrouter.ingest.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class EventHubsKafkaConfigTest {

    record Config(Optional<String> bootstrapServers, Auth auth, Optional<String> tokenScope,
            Optional<String> connectionString, boolean allowPlaintext) implements EventHubsConfig {

        @Override
        public String topic() {
            return "aml-events";
        }

        @Override
        public String consumerGroup() {
            return "aml-event-router";
        }

        @Override
        public Optional<String> deadLetterTopic() {
            return Optional.empty();
        }

        @Override
        public int maxInFlight() {
            return 200;
        }

        @Override
        public String autoOffsetReset() {
            return "earliest";
        }

        @Override
        public Retry retry() {
            return new BackoffTest.Retry(8, Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2, Duration.ofSeconds(30));
        }
    }

    static Config config(String servers, EventHubsConfig.Auth auth) {
        return new Config(Optional.ofNullable(servers), auth, Optional.empty(), Optional.empty(), false);
    }

    @Test
    void entraIsSaslSslWithOauthBearerForTheNamespaceScope() {
        Map<String, Object> c = EventHubsKafkaConfig.settings(config("MyNs.servicebus.windows.net:9093",
                EventHubsConfig.Auth.ENTRA));
        assertThat(c).containsEntry("bootstrap.servers", "MyNs.servicebus.windows.net:9093")
                .containsEntry("topic", "aml-events").containsEntry("group.id", "aml-event-router")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "OAUTHBEARER")
                .containsEntry("sasl.login.callback.handler.class", EntraTokenCallbackHandler.class.getName())
                .containsEntry("commit-strategy", ForwardOnlyCommits.STRATEGY).containsEntry("failure-strategy", "dead-letter-queue")
                .containsEntry("dead-letter-queue.topic", "aml-events-dead-letters");
        assertThat((String) c.get("sasl.jaas.config")).contains("OAuthBearerLoginModule required")
                .contains("scope=\"https://myns.servicebus.windows.net/.default\"");
    }

    @Test
    void aConnectionStringIsSaslPlainAsDollarConnectionString() {
        Config cfg = new Config(Optional.of("ns.servicebus.windows.net:9093"), EventHubsConfig.Auth.CONNECTION_STRING,
                Optional.empty(), Optional.of("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=r;"
                        + "SharedAccessKey=a\"b"), false);
        Map<String, Object> c = EventHubsKafkaConfig.settings(cfg);
        assertThat(c).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
        assertThat((String) c.get("sasl.jaas.config")).contains("username=\"$ConnectionString\"")
                .contains("SharedAccessKey=a\\\"b\";");
        assertThatThrownBy(() -> EventHubsKafkaConfig.settings(config("ns:9093", EventHubsConfig.Auth.CONNECTION_STRING)))
                .hasMessageContaining("ingest.eventhubs.connection-string");
    }

    @Test
    void plaintextIsRefusedUnlessAllowed() {
        assertThatThrownBy(() -> EventHubsKafkaConfig.settings(config("localhost:9092", EventHubsConfig.Auth.NONE)))
                .hasMessageContaining("ingest.eventhubs.allow-plaintext=true");
        Config allowed = new Config(Optional.of("localhost:9092"), EventHubsConfig.Auth.NONE, Optional.empty(),
                Optional.empty(), true);
        assertThat(EventHubsKafkaConfig.settings(allowed)).containsEntry("security.protocol", "PLAINTEXT")
                .doesNotContainKey("sasl.mechanism");
    }
}
