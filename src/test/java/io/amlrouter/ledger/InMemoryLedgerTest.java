package io.amlrouter.ledger;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

/** The ledger contract on the in-memory store; its "clients" are threads of one replica. */
class InMemoryLedgerTest extends OutcomeLedgerContract {

    @Override
    OutcomeLedger ledger(int maxEvents, Duration retention) {
        return new InMemoryLedger(maxEvents, retention, Clock.systemUTC(), "replica-a");
    }

    @Override
    List<OutcomeLedger> clients(int n) {
        return Collections.nCopies(n, ledger());
    }
}
