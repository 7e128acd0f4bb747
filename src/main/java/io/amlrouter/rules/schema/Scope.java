package io.amlrouter.rules.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The event types a filter (or one of its {@code anyOf} groups) can still let through.
 *
 * @param known the types of the {@link EventCatalog} that can pass
 * @param open whether a type outside the catalog can pass (a full type name the lint does not know): its data and
 *        subject are unknown, so nothing about them is an error
 * @param unrestricted whether no {@code includedEventTypes} limits the types: {@code known} is then every type
 */
record Scope(List<EventTypeSchema> known, boolean open, boolean unrestricted) {

    static final Scope EVERY_TYPE = new Scope(EventCatalog.types(), false, true);

    Scope {
        known = List.copyOf(known);
    }

    /** Nothing can pass: every listed type was an error. */
    boolean isEmpty() {
        return known.isEmpty() && !open;
    }

    /** The types both this scope and {@code listed} (an {@code includedEventTypes} list) let through. */
    Scope and(Scope listed) {
        if (unrestricted) {
            return listed;
        }
        if (listed.unrestricted) {
            return this;
        }
        List<EventTypeSchema> both = new ArrayList<>(known);
        both.retainAll(listed.known);
        return new Scope(both, open && listed.open, false);
    }

    Scope filter(Predicate<EventTypeSchema> keep) {
        return new Scope(known.stream().filter(keep).toList(), open, unrestricted && known.stream().allMatch(keep));
    }

    /** How messages name the types: "Microsoft.MachineLearningServices.RunCompleted", or "any event type". */
    String describe() {
        if (unrestricted) {
            return "any event type";
        }
        if (known.size() == 1) {
            return known.get(0).name();
        }
        List<String> names = known.stream().map(EventTypeSchema::name).toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}
