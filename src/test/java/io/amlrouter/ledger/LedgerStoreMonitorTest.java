package io.amlrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.ConnectionPoolTooBusyException;

/** Outages and pool exhaustion as the monitor tells them from the store's answers. */
class LedgerStoreMonitorTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final LedgerStoreMonitor monitor = new LedgerStoreMonitor(registry);

    static <T> CompletableFuture<T> start(Uni<T> uni) {
        return uni.subscribeAsCompletionStage();
    }

    @Test
    void aFullPoolIsCountedAndIsNoOutage() {
        for (int i = 0; i < 3; i++) {
            start(monitor.observe(Uni.createFrom().failure(
                    new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 24"))));
        }
        assertThat(registry.counter("ledger.store.pool.exhausted").count()).isEqualTo(3.0);
        assertThat(monitor.outage()).isEmpty();
        assertThat(registry.counter("ledger.store.outages").count()).isZero();
    }

    @Test
    void anOutageIsCountedOnceAndEndsOnlyWithACallSentAfterItBegan() {
        CompletableFuture<String> sentBefore = new CompletableFuture<>();
        CompletableFuture<String> early = start(monitor.observe(Uni.createFrom().completionStage(sentBefore)));
        start(monitor.observe(Uni.createFrom().failure(new IOException("Connection refused"))));
        start(monitor.observe(Uni.createFrom().failure(new IOException("Connection refused"))));
        assertThat(registry.counter("ledger.store.outages").count()).isEqualTo(1.0);
        assertThat(monitor.outage()).get().extracting(LedgerStoreMonitor.Outage::cause).isEqualTo("Connection refused");

        sentBefore.complete("late answer of a call sent before the outage");
        assertThat(early).isCompleted();
        assertThat(monitor.outage()).as("an answer to a call sent before proves nothing").isPresent();

        assertThat(start(monitor.observe(Uni.createFrom().item("PONG")))).isCompleted();
        assertThat(monitor.outage()).isEmpty();
        start(monitor.observe(Uni.createFrom().failure(new IOException("Connection reset"))));
        assertThat(registry.counter("ledger.store.outages").count()).isEqualTo(2.0);
    }
}
