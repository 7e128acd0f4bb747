package io.amlrouter.ingest.eventhubs;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * The channel's consumer as its commit strategy sees it ({@link ForwardOnlyCommits}): the connector's own
 * consumer, except that a commit is decided on the polling thread, at the moment it is sent, by
 * {@link #forward}: a partition this consumer no longer owns, or whose committed offset is already at or past
 * the one asked, is left out. The rebalance listener runs on that thread too, so no rebalance can come
 * between the decision and the commit.
 */
final class ForwardOnlyConsumer<K, V> implements KafkaConsumer<K, V> {

    private static final Logger LOG = Logger.getLogger(ForwardOnlyConsumer.class);

    private final KafkaConsumer<K, V> delegate;

    ForwardOnlyConsumer(KafkaConsumer<K, V> delegate) {
        this.delegate = delegate;
    }

    /**
     * Commits, synchronously on the calling (polling) thread, the offsets that move a partition forward and
     * that this consumer owns now; answers what was committed. One offset fetch from the group coordinator
     * first (the committed offsets of the partitions asked), so a commit made meanwhile by the rebalance
     * listener, or by the partition's previous owner, counts.
     */
    static Map<TopicPartition, OffsetAndMetadata> forward(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
            Map<TopicPartition, OffsetAndMetadata> offsets) {
        Set<TopicPartition> owned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> asked = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (owned.contains(tp)) {
                asked.put(tp, om);
            } else {
                LOG.infof("Commit of %s at %d not sent: the partition is no longer assigned to this consumer", tp,
                        om.offset());
            }
        });
        if (asked.isEmpty()) {
            return asked;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(asked.keySet());
        Map<TopicPartition, OffsetAndMetadata> ahead = new HashMap<>();
        asked.forEach((tp, om) -> {
            OffsetAndMetadata now = committed.get(tp);
            if (now == null || now.offset() < om.offset()) {
                ahead.put(tp, om);
            } else if (now.offset() > om.offset()) {
                LOG.infof("Commit of %s at %d not sent: it is committed at %d already (a stale commit after a "
                        + "rebalance)", tp, om.offset(), now.offset());
            }
        });
        if (!ahead.isEmpty()) {
            consumer.commitSync(ahead);
        }
        return ahead;
    }

    @Override
    public Uni<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
        return delegate.runOnPollingThread((Consumer<org.apache.kafka.clients.consumer.Consumer<K, V>>) c -> forward(c, copy));
    }

    @Override
    public Uni<Void> commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        return commit(offsets);
    }

    @Override
    public Map<String, ?> configuration() {
        return delegate.configuration();
    }

    @Override
    public <R> Uni<R> runOnPollingThread(Function<org.apache.kafka.clients.consumer.Consumer<K, V>, R> action) {
        return delegate.runOnPollingThread(action);
    }

    @Override
    public Uni<Void> runOnPollingThread(Consumer<org.apache.kafka.clients.consumer.Consumer<K, V>> action) {
        return delegate.runOnPollingThread(action);
    }

    @Override
    public Uni<Set<TopicPartition>> pause() {
        return delegate.pause();
    }

    @Override
    public Uni<Set<TopicPartition>> paused() {
        return delegate.paused();
    }

    @Override
    public Uni<Map<TopicPartition, OffsetAndMetadata>> committed(TopicPartition... partitions) {
        return delegate.committed(partitions);
    }

    @Override
    public Uni<Void> resume() {
        return delegate.resume();
    }

    @Override
    public org.apache.kafka.clients.consumer.Consumer<K, V> unwrap() {
        return delegate.unwrap();
    }

    @Override
    public Uni<Map<TopicPartition, Long>> getPositions() {
        return delegate.getPositions();
    }

    @Override
    public Uni<Set<TopicPartition>> getAssignments() {
        return delegate.getAssignments();
    }

    @Override
    public Uni<Void> seek(TopicPartition partition, long offset) {
        return delegate.seek(partition, offset);
    }

    @Override
    public Uni<Void> seek(TopicPartition partition, OffsetAndMetadata offsetAndMetadata) {
        return delegate.seek(partition, offsetAndMetadata);
    }

    @Override
    public Uni<Void> seekToBeginning(Collection<TopicPartition> partitions) {
        return delegate.seekToBeginning(partitions);
    }

    @Override
    public Uni<Void> seekToEnd(Collection<TopicPartition> partitions) {
        return delegate.seekToEnd(partitions);
    }

    @Override
    public Uni<ConsumerGroupMetadata> consumerGroupMetadata() {
        return delegate.consumerGroupMetadata();
    }

    @Override
    public Uni<Void> resetToLastCommittedPositions() {
        return delegate.resetToLastCommittedPositions();
    }

    @Override
    public Uni<Map<String, List<PartitionInfo>>> lisTopics() {
        return delegate.lisTopics();
    }

    @Override
    public Uni<Map<String, List<PartitionInfo>>> lisTopics(Duration timeout) {
        return delegate.lisTopics(timeout);
    }

    @Override
    public Uni<List<PartitionInfo>> partitionsFor(String topic) {
        return delegate.partitionsFor(topic);
    }
}
