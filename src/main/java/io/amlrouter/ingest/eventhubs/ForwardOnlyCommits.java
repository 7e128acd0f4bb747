package io.amlrouter.ingest.eventhubs;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.commit.KafkaCommitHandler;
import io.vertx.mutiny.core.Vertx;

/**
 * The {@code eventhubs} channel's commit strategy ({@code commit-strategy: }{@value #STRATEGY}): the
 * connector's {@code throttled} strategy (per partition, the highest offset below which every record is
 * acknowledged, committed every {@code auto.commit.interval.ms}), whose commits go through
 * {@link ForwardOnlyConsumer}, so a commit never moves a partition's committed offset back and never touches a
 * partition this consumer no longer owns.
 * <p>
 * Why: {@code throttled} takes its periodic commit's offsets on the event loop and sends the commit on the
 * polling thread. When that thread's {@code poll()} runs a rebalance meanwhile, the revoke listener commits
 * the newer offsets first, the consumer keeps (or gets back) the partition and resumes there, and then the
 * older queued commit lands: the committed offset goes back, and an idle partition stays behind until its
 * next record (seen as consumer lag; more records redelivered after a crash). smallrye-reactive-messaging
 * issue #1403 reports the same symptom.
 */
@ApplicationScoped
@Identifier(ForwardOnlyCommits.STRATEGY)
public class ForwardOnlyCommits implements KafkaCommitHandler.Factory {

    /** The identifier, the value of the channel's {@code commit-strategy}. */
    public static final String STRATEGY = "throttled-forward-only";

    private final KafkaCommitHandler.Factory throttled;

    ForwardOnlyCommits(@Identifier(KafkaCommitHandler.Strategy.THROTTLED) KafkaCommitHandler.Factory throttled) {
        this.throttled = throttled;
    }

    @Override
    public KafkaCommitHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx,
            KafkaConsumer<?, ?> consumer, BiConsumer<Throwable, Boolean> reportFailure) {
        return throttled.create(config, vertx, guard(consumer), reportFailure);
    }

    private static <K, V> KafkaConsumer<K, V> guard(KafkaConsumer<K, V> consumer) {
        return new ForwardOnlyConsumer<>(consumer);
    }
}
