package io.amlrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import org.awaitility.Awaitility;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.amlrouter.support.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * The ledger contract holds through {@link ResilientLedger} (over the in-memory store), and what it adds:
 * outcomes the store refuses are kept, written in order once it is back, and a claim of the action waits
 * for its outcome instead of being told the action is held; an outcome still unwritten after the claim
 * lease is given up and counted.
 */
class ResilientLedgerTest extends OutcomeLedgerContract {

    static final Set<String> WRITES = Set.of("succeeded", "failedPermanently", "failedTransiently");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final LedgerStoreMonitor monitor = new LedgerStoreMonitor(registry);
    final AtomicBoolean down = new AtomicBoolean();
    final List<String> written = new CopyOnWriteArrayList<>();

    /** The contract's time: the in-memory store's clock, moved on by the tests. */
    final TestClock clock = TestClock.at(java.time.Instant.parse("2026-03-14T08:00:00.123Z"));

    @Override
    OutcomeLedger ledger(int maxEvents, Duration retention) {
        return new ResilientLedger(new InMemoryLedger(maxEvents, retention, clock, "replica-a"), monitor,
                Duration.ofMinutes(2));
    }

    @Override
    List<OutcomeLedger> clients(int n) {
        return Collections.nCopies(n, ledger());
    }

    @Override
    java.time.Instant now() {
        return clock.instant();
    }

    @Override
    void pass(Duration d) {
        clock.advance(d);
    }

    /** The store, unreachable while {@link #down}: every call fails as a refused connection does. */
    OutcomeLedger flaky(OutcomeLedger store) {
        return (OutcomeLedger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { OutcomeLedger.class },
                (proxy, method, args) -> {
                    if (down.get()) {
                        return Uni.createFrom().failure(new ConnectException("Connection refused: /127.0.0.1:6379"));
                    }
                    try {
                        Uni<?> result = (Uni<?>) method.invoke(store, args);
                        if (WRITES.contains(method.getName())) {
                            return result.invoke(() -> written.add(method.getName() + " " + args[0]));
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static <T> CompletableFuture<T> start(Uni<T> uni) {
        return uni.subscribeAsCompletionStage();
    }

    @Test
    void outcomesTheStoreRefusesAreKeptAndWrittenInOrderOnceItIsBack() {
        InMemoryLedger store = new InMemoryLedger(1000, Duration.ofHours(25), Clock.systemUTC(), "replica-a");
        ResilientLedger ledger = new ResilientLedger(flaky(store), monitor, Duration.ofMinutes(2));
        String id = UUID.randomUUID().toString();
        ActionKey a = new ActionKey(id, "r", 0);
        ActionKey b = new ActionKey(id, "r", 1);
        assertThat(await(ledger.claim(a, "webhook", LEASE))).isInstanceOf(Claim.Granted.class);
        assertThat(await(ledger.claim(b, "webhook", LEASE))).isInstanceOf(Claim.Granted.class);

        down.set(true);
        CompletableFuture<Void> first = start(ledger.succeeded(a, null, "posted"));
        CompletableFuture<Void> second = start(ledger.failedPermanently(b, "HTTP 400"));
        CompletableFuture<Claim> claimAgain = start(ledger.claim(a, "webhook", LEASE));
        assertThat(monitor.unwrittenOutcomes()).isEqualTo(2);
        assertThat(monitor.outage()).isPresent();
        assertThat(registry.counter("ledger.store.outages").count()).isEqualTo(1.0);
        assertThat(first).isNotDone();
        assertThat(claimAgain).as("waits for the outcome, not told the action is held").isNotDone();

        down.set(false);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> first.isDone() && second.isDone() && claimAgain.isDone());
        assertThat(first).isCompleted();
        assertThat(second).isCompleted();
        assertThat(written).containsExactly("succeeded " + a, "failedPermanently " + b);
        assertThat(claimAgain.join()).isInstanceOf(Claim.AlreadyDone.class);
        assertThat(await(store.action(b)).orElseThrow().state()).isEqualTo(ActionState.FAILED);
        assertThat(monitor.unwrittenOutcomes()).isZero();
        assertThat(monitor.outage()).isEmpty();
        assertThat(registry.counter("ledger.store.outages").count()).isEqualTo(1.0);
    }

    @Test
    void anOutcomeWrittenWhileOthersWaitQueuesBehindThem() {
        InMemoryLedger store = new InMemoryLedger(1000, Duration.ofHours(25), Clock.systemUTC(), "replica-a");
        ResilientLedger ledger = new ResilientLedger(flaky(store), monitor, Duration.ofMinutes(2));
        String id = UUID.randomUUID().toString();
        ActionKey a = new ActionKey(id, "r", 0);
        ActionKey b = new ActionKey(id, "r", 1);
        await(ledger.claim(a, "webhook", LEASE));
        await(ledger.claim(b, "webhook", LEASE));
        down.set(true);
        CompletableFuture<Void> first = start(ledger.failedTransiently(a, "timed out"));
        down.set(false);
        CompletableFuture<Void> second = start(ledger.succeeded(b, null, "posted"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> first.isDone() && second.isDone());
        assertThat(written).containsExactly("failedTransiently " + a, "succeeded " + b);
    }

    @Test
    void anOutcomeStillUnwrittenAfterTheLeaseIsGivenUpAndCounted() {
        InMemoryLedger store = new InMemoryLedger(1000, Duration.ofHours(25), Clock.systemUTC(), "replica-a");
        ResilientLedger ledger = new ResilientLedger(flaky(store), monitor, Duration.ofMillis(500));
        ActionKey a = new ActionKey(UUID.randomUUID().toString(), "r", 0);
        await(ledger.claim(a, "webhook", LEASE));
        down.set(true);
        CompletableFuture<Void> outcome = start(ledger.succeeded(a, null, "posted"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(outcome::isDone);
        assertThat(outcome).isCompletedExceptionally();
        assertThat(registry.counter("ledger.outcomes.abandoned").count()).isEqualTo(1.0);
        assertThat(monitor.unwrittenOutcomes()).isZero();
        assertThat(written).isEmpty();
    }

    @Test
    void anOutageEndsOnceTheStoreAnswersEvenWithoutTraffic() {
        InMemoryLedger store = new InMemoryLedger(1000, Duration.ofHours(25), Clock.systemUTC(), "replica-a");
        ResilientLedger ledger = new ResilientLedger(flaky(store), monitor, Duration.ofMinutes(2));
        down.set(true);
        assertThat(start(ledger.eventSeen(new EventRecord("e", "t", "s", "topic", java.time.Instant.now(),
                java.time.Instant.now(), 1, List.of(), "routed", "{}")))).failsWithin(Duration.ofSeconds(5));
        assertThat(monitor.outage()).isPresent();
        down.set(false);
        // The monitor asks the store again by itself (readiness must come back with no delivery arriving).
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> monitor.outage().isEmpty());
    }
}
