package io.amlrouter.ingest.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.amlrouter.support.KafkaBroker;

/**
 * The decision of {@link ForwardOnlyCommits}' consumer, taken where the connector's commit runs (the
 * polling thread of a real consumer, in a real group on a real broker): the stale commit a rebalance leaves
 * queued behind the revoke listener's is not sent, nor a commit for a partition another member owns now;
 * a commit that moves an owned partition forward is. The connector's {@code throttled} strategy sends all
 * three (with it, the committed offset of partition 0 goes back to 225, which is what EventHubsIngestIT once
 * saw).
 */
class ForwardOnlyConsumerTest {

    private static final String TOPIC = "fwd-events";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.start();
        broker.createTopic(TOPIC, 2);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aCommitBehindTheCommittedOffsetIsNotSentOneAheadIs() {
        String group = "fwd-behind";
        try (KafkaConsumer<String, byte[]> member = member(group)) {
            member.subscribe(List.of(TOPIC));
            pollUntil(() -> member.assignment().size() == 2, member);
            // The revoke listener's commit during a rebalance after which this member kept both partitions...
            member.commitSync(Map.of(P0, new OffsetAndMetadata(250), P1, new OffsetAndMetadata(250)));

            // ...then the periodic commit taken before it: partition 0 behind, partition 1 ahead.
            Map<TopicPartition, OffsetAndMetadata> sent = ForwardOnlyConsumer.forward(member,
                    Map.of(P0, new OffsetAndMetadata(225), P1, new OffsetAndMetadata(260)));

            assertThat(broker.committed(group, TOPIC)).containsEntry(0, 250L).containsEntry(1, 260L);
            assertThat(sent).containsOnlyKeys(P1);
        }
    }

    @Test
    void aCommitForAPartitionAnotherMemberOwnsNowIsNotSent() {
        String group = "fwd-moved";
        try (KafkaConsumer<String, byte[]> first = member(group); KafkaConsumer<String, byte[]> second = member(group)) {
            first.subscribe(List.of(TOPIC));
            pollUntil(() -> first.assignment().size() == 2, first);
            second.subscribe(List.of(TOPIC));
            pollUntil(() -> first.assignment().size() == 1 && second.assignment().size() == 1, first, second);
            TopicPartition kept = first.assignment().iterator().next();
            TopicPartition moved = second.assignment().iterator().next();
            second.commitSync(Map.of(moved, new OffsetAndMetadata(40)));

            // The first member's commit taken while it still owned both partitions, sent after the rebalance.
            Map<TopicPartition, OffsetAndMetadata> sent = ForwardOnlyConsumer.forward(first,
                    Map.of(moved, new OffsetAndMetadata(30), kept, new OffsetAndMetadata(10)));

            assertThat(broker.committed(group, TOPIC)).containsEntry(moved.partition(), 40L)
                    .containsEntry(kept.partition(), 10L);
            assertThat(sent).containsOnlyKeys(kept);
        }
    }

    private static KafkaConsumer<String, byte[]> member(String group) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The connector's default assignment (Kafka 4.1: RangeAssignor first, an eager rebalance).
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Polls every member in turn (a rebalance needs each to join) until the condition holds; 30 s at most. */
    @SafeVarargs
    private static void pollUntil(BooleanSupplier condition, KafkaConsumer<String, byte[]>... members) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("group formed within 30 s").isLessThan(deadline);
            for (KafkaConsumer<String, byte[]> m : members) {
                m.poll(Duration.ofMillis(100));
            }
        }
    }
}
