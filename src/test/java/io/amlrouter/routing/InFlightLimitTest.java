package io.amlrouter.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

class InFlightLimitTest {

    @Test
    void atMostTheLimitIsInWorkAndEachEndRequestsOneMore() {
        List<CompletableFuture<Void>> works = new ArrayList<>();
        AtomicInteger requested = new AtomicInteger();
        Multi.createFrom().range(0, 10).onRequest().invoke(n -> requested.addAndGet((int) n))
                .subscribe().withSubscriber(new InFlightLimit<Integer>("test", 3, i -> {
                    CompletableFuture<Void> work = new CompletableFuture<>();
                    works.add(work);
                    return Uni.createFrom().completionStage(work);
                }));
        assertEquals(3, works.size());
        assertEquals(3, requested.get());
        works.get(1).complete(null);
        assertEquals(4, works.size());
        works.get(0).completeExceptionally(new IllegalStateException("a failed work ends too"));
        assertEquals(5, works.size());
        assertEquals(5, requested.get());
    }

    @Test
    void aWorkThatThrowsOrFailsAtOnceDoesNotStopTheStream() {
        AtomicInteger started = new AtomicInteger();
        Multi.createFrom().range(0, 100).subscribe().withSubscriber(new InFlightLimit<Integer>("test", 2, i -> {
            started.incrementAndGet();
            if (i % 3 == 0) {
                throw new IllegalStateException("cannot start " + i);
            }
            return i % 3 == 1 ? Uni.createFrom().failure(new IllegalStateException("failed " + i))
                    : Uni.createFrom().voidItem();
        }));
        assertEquals(100, started.get());
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new InFlightLimit<Integer>("test", 0, i -> Uni.createFrom().voidItem()));
    }
}
