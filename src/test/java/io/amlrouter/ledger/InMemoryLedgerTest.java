package io.amlrouter.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import io.amlrouter.support.TestClock;

/**
 * The ledger contract on the in-memory store; its "clients" are threads of one replica. Time is a {@link TestClock}:
 * leases, retention and windows pass when a test says so, without waiting.
 */
class InMemoryLedgerTest extends OutcomeLedgerContract {

    final TestClock clock = TestClock.at(Instant.parse("2026-03-14T08:00:00.123Z"));

    @Override
    OutcomeLedger ledger(int maxEvents, Duration retention) {
        return new InMemoryLedger(maxEvents, retention, clock, "replica-a");
    }

    @Override
    List<OutcomeLedger> clients(int n) {
        return Collections.nCopies(n, ledger());
    }

    @Override
    Instant now() {
        return clock.instant();
    }

    @Override
    void pass(Duration d) {
        clock.advance(d);
    }
}
