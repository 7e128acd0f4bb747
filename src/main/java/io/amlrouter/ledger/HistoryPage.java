package io.amlrouter.ledger;

import java.util.List;

/**
 * One page of a {@link HistoryQuery}: the matching events, newest first, and where to go on.
 *
 * @param next the cursor to pass as {@link HistoryQuery#before()} for the next page; null when the history holds no
 *        older event to read. A page may hold fewer than {@code limit} events (even none) and still have a next: the
 *        store stopped at its scan limit.
 * @param scanned how many events the store read for this page
 */
public record HistoryPage(List<EventHistory> events, HistoryQuery.Cursor next, int scanned) {

    public HistoryPage {
        events = List.copyOf(events);
    }
}
