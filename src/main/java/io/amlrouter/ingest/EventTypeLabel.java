package io.amlrouter.ingest;

import java.util.List;

import io.amlrouter.events.EventTypes;

/**
 * The {@code type} label of the event metrics: the Azure ML and synthetic event types this service
 * knows, and {@code other} for everything else, so a sender cannot grow the label set.
 */
public final class EventTypeLabel {

    public static final String OTHER = "other";

    /** The known types, each its own label value. */
    public static final List<String> KNOWN = List.of(EventTypes.RUN_COMPLETED, EventTypes.RUN_STATUS_CHANGED,
            EventTypes.MODEL_REGISTERED, EventTypes.MODEL_DEPLOYED, EventTypes.DATASET_DRIFT_DETECTED,
            EventTypes.DEPLOYMENT_SUCCEEDED, EventTypes.DEPLOYMENT_FAILED);

    private EventTypeLabel() {
    }

    /** The index of the type in {@link #KNOWN}, or {@code KNOWN.size()} for {@link #OTHER}. */
    static int index(String type) {
        if (type != null) {
            for (int i = 0; i < KNOWN.size(); i++) {
                if (KNOWN.get(i).equalsIgnoreCase(type)) {
                    return i;
                }
            }
        }
        return KNOWN.size();
    }

    public static String of(String type) {
        int i = index(type);
        return i < KNOWN.size() ? KNOWN.get(i) : OTHER;
    }
}
