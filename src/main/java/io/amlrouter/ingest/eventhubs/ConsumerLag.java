package io.amlrouter.ingest.eventhubs;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.vertx.core.Vertx;

/**
 * {@code eventhubs_consumer_lag{topic,partition}}: per partition this replica owns, how many records are
 * behind its position (the Kafka client's own {@code currentLag}: the end offset it last fetched minus its
 * position, no extra request to the broker), read on the consumer's polling thread every 5 s. A partition
 * this replica no longer owns reads NaN. The sum over replicas is the group's backlog (what a KEDA
 * scaler on consumer lag reads from the broker).
 */
@ApplicationScoped
public class ConsumerLag {

    private static final Logger LOG = Logger.getLogger(ConsumerLag.class);
    static final Duration PERIOD = Duration.ofSeconds(5);

    private final KafkaClientService clients;
    private final EventHubsMetrics metrics;
    private final Vertx vertx;
    private final boolean enabled;
    private final Map<TopicPartition, Long> lags = new ConcurrentHashMap<>();
    private final Set<TopicPartition> registered = ConcurrentHashMap.newKeySet();
    private long timer = -1;

    public ConsumerLag(KafkaClientService clients, EventHubsMetrics metrics, Vertx vertx, EventHubsConfig config) {
        this.clients = clients;
        this.metrics = metrics;
        this.vertx = vertx;
        this.enabled = config.bootstrapServers().filter(s -> !s.isBlank()).isPresent();
    }

    void onStart(@Observes StartupEvent event) {
        if (enabled) {
            timer = vertx.setPeriodic(PERIOD.toMillis(), id -> refresh());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void refresh() {
        KafkaConsumer<Object, Object> consumer;
        try {
            consumer = clients.getConsumer(EventHubsKafkaConfig.CHANNEL);
        } catch (RuntimeException e) {
            return;
        }
        if (consumer == null) {
            return;
        }
        consumer.runOnPollingThread((Consumer<Object, Object> c) -> {
            Map<TopicPartition, Long> now = new HashMap<>();
            for (TopicPartition tp : c.assignment()) {
                c.currentLag(tp).ifPresent(lag -> now.put(tp, lag));
            }
            return now;
        }).subscribe().with(this::update, failure -> LOG.debugf("Consumer lag not read: %s", failure.getMessage()));
    }

    private void update(Map<TopicPartition, Long> now) {
        lags.keySet().retainAll(now.keySet());
        lags.putAll(now);
        for (TopicPartition tp : now.keySet()) {
            if (registered.add(tp)) {
                metrics.lag(tp.topic(), tp.partition(), () -> {
                    Long lag = lags.get(tp);
                    return lag == null ? Double.NaN : lag;
                });
            }
        }
    }
}
