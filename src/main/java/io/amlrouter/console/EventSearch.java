package io.amlrouter.console;

import jakarta.enterprise.context.ApplicationScoped;

import io.amlrouter.ledger.HistoryPage;
import io.amlrouter.ledger.HistoryQuery;
import io.amlrouter.ledger.OutcomeLedger;
import io.smallrye.mutiny.Uni;

/** The events page's search: the ledger's history search ({@link OutcomeLedger#search}), one page at a time. */
@ApplicationScoped
public class EventSearch {

    private final OutcomeLedger ledger;

    public EventSearch(OutcomeLedger ledger) {
        this.ledger = ledger;
    }

    public Uni<HistoryPage> search(ConsoleQuery q, int pageSize) {
        HistoryQuery query = HistoryQuery.newest(pageSize).withType(q.type()).withSubjectPrefix(q.subject())
                .withRunId(q.runId()).withModel(q.model()).withRule(q.rule())
                .withOutcome(q.outcome() == null ? null : HistoryQuery.Outcome.parse(q.outcome()).orElse(null))
                .withRange(q.fromInstant(), q.toInstant()).withBefore(q.cursor());
        return ledger.search(query);
    }
}
