package io.amlrouter.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The in-memory ledger drops its oldest events once their estimated size passes the memory budget. */
class InMemoryLedgerMemoryBoundTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-14T08:00:00Z"), ZoneOffset.UTC);

    private static EventRecord event(String id, int rawChars) {
        Instant now = CLOCK.instant();
        return new EventRecord(id, "Microsoft.MachineLearningServices.RunCompleted", "s", "t", now, now, 1, List.of(),
                "no-rule-matched", "x".repeat(rawChars));
    }

    private static boolean known(InMemoryLedger ledger, String id) {
        return ledger.event(id).await().indefinitely().isPresent();
    }

    @Test
    void theOldestEventsGoOnceTheBudgetIsSpent() {
        long perEvent = InMemoryLedger.ENTRY_OVERHEAD + 1_000;
        InMemoryLedger ledger = new InMemoryLedger(100_000, 10 * perEvent, Duration.ofHours(25), CLOCK, "test");
        for (int i = 0; i < 50; i++) {
            ledger.eventSeen(event("e" + i, 1_000)).await().indefinitely();
        }
        long size = ledger.size().await().indefinitely();
        assertTrue(size >= 10 && size <= 11, "entries kept: " + size);
        assertTrue(known(ledger, "e49"));
        assertTrue(known(ledger, "e40"));
        assertTrue(!known(ledger, "e0") && !known(ledger, "e38"));
    }

    @Test
    void largerEventsLeaveRoomForFewer() {
        long budget = 10 * (InMemoryLedger.ENTRY_OVERHEAD + 1_000);
        InMemoryLedger ledger = new InMemoryLedger(100_000, budget, Duration.ofHours(25), CLOCK, "test");
        for (int i = 0; i < 20; i++) {
            ledger.eventSeen(event("e" + i, 10_000)).await().indefinitely();
        }
        assertTrue(ledger.size().await().indefinitely() <= 2);
        assertTrue(known(ledger, "e19"));
    }

    @Test
    void aRedeliveryIsCountedOnceAndTheCountBoundStillHolds() {
        InMemoryLedger ledger = new InMemoryLedger(5, Long.MAX_VALUE, Duration.ofHours(25), CLOCK, "test");
        for (int i = 0; i < 3; i++) {
            ledger.eventSeen(event("same", 1_000)).await().indefinitely();
        }
        assertEquals(3, ledger.event("same").await().indefinitely().orElseThrow().event().deliveries());
        for (int i = 0; i < 20; i++) {
            ledger.eventSeen(event("e" + i, 10)).await().indefinitely();
        }
        assertEquals(5, ledger.size().await().indefinitely());
    }

    @Test
    void theDefaultBudgetIsAQuarterOfTheHeap() {
        // 100,000 events of 1 KB would need some 230 MB; the default keeps what fits in a quarter of the heap.
        InMemoryLedger ledger = new InMemoryLedger(100_000, Duration.ofHours(25), CLOCK, "test");
        long perEvent = InMemoryLedger.ENTRY_OVERHEAD + 1_000;
        long expected = Runtime.getRuntime().maxMemory() / 4 / perEvent;
        int n = (int) Math.min(100_000, expected + 100);
        for (int i = 0; i < n; i++) {
            ledger.eventSeen(event("e" + i, 1_000)).await().indefinitely();
        }
        long size = ledger.size().await().indefinitely();
        assertTrue(Math.abs(size - Math.min(100_000, expected)) <= 1, size + " kept, expected about " + expected);
    }
}
