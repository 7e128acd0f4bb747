package io.amlrouter.rules.template;

import java.util.List;

import io.amlrouter.events.MlEvent;

/**
 * What the templates of a grouped action see as {@code digest}: {@code digest.count} (the number of events),
 * {@code digest.more} (how many of them are counted but not listed, past {@code digest.max-listed}),
 * {@code digest.key} (the rendered {@code group.by}; absent when the action has no {@code by}) and
 * {@code digest.events} (the events in the order they joined the group, each with the properties of
 * {@code event}). {@code event} is the first of them.
 */
public record DigestView(String key, List<MlEvent> events, int count) {

    public DigestView {
        events = List.copyOf(events);
        if (events.isEmpty() || count < events.size()) {
            throw new IllegalArgumentException("a digest lists at least one event, and counts every event it lists");
        }
    }

    /** Events counted but not listed. */
    public int more() {
        return count - events.size();
    }
}
