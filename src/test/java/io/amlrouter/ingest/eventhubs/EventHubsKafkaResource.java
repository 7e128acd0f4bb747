package io.amlrouter.ingest.eventhubs;

import java.util.HashMap;
import java.util.Map;

import io.amlrouter.support.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Kafka broker ({@link KafkaBroker}, in this JVM) for a {@code @QuarkusTest} of the Event Hubs ingest,
 * with the {@code ingest.eventhubs.*} keys pointing the consumer at it: a one-partition topic, its dead-letter
 * topic, plaintext. The retry budget is small so that a record is dead-lettered within seconds.
 */
public class EventHubsKafkaResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOPIC = "ehdl-events";
    public static final String DLQ = "ehdl-events-dead";
    public static final String GROUP = "ehdl-router";

    private static KafkaBroker broker;

    public static KafkaBroker broker() {
        return broker;
    }

    @Override
    public Map<String, String> start() {
        broker = KafkaBroker.start();
        broker.createTopic(TOPIC, 1);
        broker.createTopic(DLQ, 1);
        Map<String, String> c = new HashMap<>();
        c.put("ingest.eventhubs.bootstrap-servers", broker.bootstrap());
        c.put("ingest.eventhubs.topic", TOPIC);
        c.put("ingest.eventhubs.consumer-group", GROUP);
        c.put("ingest.eventhubs.dead-letter-topic", DLQ);
        c.put("ingest.eventhubs.auth", "none");
        c.put("ingest.eventhubs.allow-plaintext", "true");
        // Budget: 8 attempts, waits 200 ms doubling to 800 ms, no jitter: about 7 s of a target answering 503.
        c.put("ingest.eventhubs.retry.max-attempts", "8");
        c.put("ingest.eventhubs.retry.initial-delay", "200ms");
        c.put("ingest.eventhubs.retry.max-delay", "800ms");
        c.put("ingest.eventhubs.retry.jitter", "0");
        c.put("ingest.eventhubs.retry.attempt-timeout", "5s");
        // The webhook's own retries within one attempt: short, so an attempt fails in a fraction of a second.
        c.put("actions.http.retry.budget", "300ms");
        c.put("actions.http.retry.initial-delay", "100ms");
        // A breaker opened by the failing target lets trial calls through soon (the next test needs it closed).
        c.put("actions.http.circuit-breaker.delay", "500ms");
        // The throttled commit strategy commits at this period: the committed offset is seen within it.
        c.put("mp.messaging.incoming.eventhubs.auto.commit.interval.ms", "200");
        return c;
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
