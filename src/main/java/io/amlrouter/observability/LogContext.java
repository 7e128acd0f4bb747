package io.amlrouter.observability;

import org.jboss.logging.MDC;

/**
 * Puts an event's fields in the logging MDC for the lines logged inside it, and restores what was there
 * before when closed:
 *
 * <pre>
 * try (LogContext ignored = LogContext.ofEvent(eventId, eventType, subject)) {
 *     LOG.infof("...");
 * }
 * </pre>
 *
 * Only for lines written off an event's or an action's own context. On the event path the fields are set
 * once, where the work starts ({@link OwnContext}): each event and each action runs on a Vert.x duplicated
 * context of its own, where Quarkus keeps the MDC, so their lines need nothing around them. This is for the
 * rest, where an MDC set on one thread is not seen on the next and no context of the event is current: the
 * webhook and the Event Hubs consumer before the event is handed on, a replay, timers (deployment watches,
 * the ledger's write-behind), the shutdown, and the dead-letter log and its forwarding (also reached from
 * Event Hubs records that cannot be routed, and answered on the JDK HTTP client's threads). The JSON log of
 * the prod profile shows the fields under {@code mdc}: {@link #EVENT_ID}, {@link #EVENT_TYPE},
 * {@link #SUBJECT}, {@link #RULE}, {@link #ACTION} (the action's index in its rule) and
 * {@link #ACTION_KIND}.
 *
 * <p>It takes names and numbers only (observability imports no feature package): the log context of an
 * {@code MlEvent} or an {@code ActionTask} is {@code io.amlrouter.routing.EventObservability}'s, that of an
 * action's scope {@code io.amlrouter.routing.ActionScope#logContext()}.
 */
public final class LogContext implements AutoCloseable {

    public static final String EVENT_ID = "eventId";
    public static final String EVENT_TYPE = "eventType";
    public static final String SUBJECT = "subject";
    public static final String RULE = "rule";
    public static final String ACTION = "action";
    public static final String ACTION_KIND = "actionKind";

    /** The fields, in the order {@link OwnContext} takes them. */
    static final String[] KEYS = { EVENT_ID, EVENT_TYPE, SUBJECT, RULE, ACTION, ACTION_KIND };

    private final Object[] previous = new Object[KEYS.length];

    private LogContext(String eventId, String eventType, String subject, String rule, Integer action, String kind) {
        set(0, eventId);
        set(1, eventType);
        set(2, subject);
        set(3, rule);
        set(4, action == null ? null : action.toString());
        set(5, kind);
    }

    /** An event known by its id (and type and subject, when known: else null). */
    public static LogContext ofEvent(String eventId, String eventType, String subject) {
        return new LogContext(eventId, eventType, subject, null, null, null);
    }

    /** One action of an event known by its id (type and subject may be null). */
    public static LogContext ofAction(String eventId, String eventType, String subject, String rule, int action,
            String kind) {
        return new LogContext(eventId, eventType, subject, rule, action, kind);
    }

    private void set(int i, String value) {
        previous[i] = value == null ? MDC.get(KEYS[i]) : MDC.put(KEYS[i], value);
        if (value == null && previous[i] != null) {
            MDC.remove(KEYS[i]);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < KEYS.length; i++) {
            if (previous[i] == null) {
                MDC.remove(KEYS[i]);
            } else {
                MDC.put(KEYS[i], previous[i]);
            }
        }
    }
}
