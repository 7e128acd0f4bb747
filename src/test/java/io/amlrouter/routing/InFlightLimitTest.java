package io.amlrouter.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Multi;

class InFlightLimitTest {

    @Test
    void atMostTheLimitIsInWorkAndEachEndRequestsOneMore() {
        List<Runnable> works = new ArrayList<>();
        AtomicInteger requested = new AtomicInteger();
        Multi.createFrom().range(0, 10).onRequest().invoke(n -> requested.addAndGet((int) n))
                .subscribe().withSubscriber(new InFlightLimit<Integer>("test", 3, (i, done) -> works.add(done)));
        assertEquals(3, works.size());
        assertEquals(3, requested.get());
        works.get(1).run();
        assertEquals(4, works.size());
        works.get(1).run(); // a second call of the same work's callback requests nothing more
        assertEquals(4, works.size());
        works.get(0).run();
        assertEquals(5, works.size());
        assertEquals(5, requested.get());
    }

    @Test
    void aWorkThatThrowsOrEndsAtOnceDoesNotStopTheStream() {
        AtomicInteger started = new AtomicInteger();
        Multi.createFrom().range(0, 100).subscribe().withSubscriber(new InFlightLimit<Integer>("test", 2, (i, done) -> {
            started.incrementAndGet();
            if (i % 2 == 0) {
                throw new IllegalStateException("cannot start " + i);
            }
            done.run();
        }));
        assertEquals(100, started.get());
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new InFlightLimit<Integer>("test", 0, (i, done) -> done.run()));
    }
}
