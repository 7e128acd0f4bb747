package io.amlrouter.ingest.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.amlrouter.deadletter.DeadLetterLog;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.EventRecord;
import io.amlrouter.ledger.InMemoryLedger;
import io.amlrouter.support.EventFixtures;

/** A record past its retry budget: its owed actions become dead letters in the ledger; the others stay as they are. */
class LedgerDeadLettersTest {

    final InMemoryLedger ledger = new InMemoryLedger(100, Duration.ofHours(25), Clock.systemUTC(), "replica-a");
    final LedgerDeadLetters deadLetters = new LedgerDeadLetters(ledger, Duration.ofMinutes(2), new DeadLetterLog());

    @Test
    void onlyTheOwedActionsBecomeDeadLetters() {
        MlEvent event = EventFixtures.decode(EventFixtures.fresh("eventgrid/RunCompleted.json"));
        ledger.eventSeen(new EventRecord(event.id(), event.type(), null, null, java.time.Instant.now(),
                java.time.Instant.now(), 1, List.of("r"), "routed", event.rawJson())).await().indefinitely();
        ActionKey done = new ActionKey(event.id(), "r", 0);
        ActionKey owed = new ActionKey(event.id(), "r", 1);
        ledger.claim(done, "webhook", Duration.ofMinutes(2)).await().indefinitely();
        ledger.succeeded(done, null, "HTTP 200").await().indefinitely();
        ledger.claim(owed, "webhook", Duration.ofMinutes(2)).await().indefinitely();
        ledger.failedTransiently(owed, "HTTP 503").await().indefinitely();

        int n = deadLetters.record(List.of(event), "actions still owed after 8 attempt(s)").await().indefinitely();

        assertThat(n).isEqualTo(1);
        List<ActionRecord> actions = ledger.event(event.id()).await().indefinitely().orElseThrow().actions();
        assertThat(actions).extracting(ActionRecord::state).containsExactly(ActionState.SUCCEEDED, ActionState.FAILED);
        assertThat(actions.get(1).lastError()).isEqualTo("eventhubs: actions still owed after 8 attempt(s)");
        // Again: nothing is owed any more.
        assertThat(deadLetters.record(List.of(event), "again").await().indefinitely()).isZero();
    }
}
