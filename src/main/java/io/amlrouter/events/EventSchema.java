package io.amlrouter.events;

/** The delivery schema an event arrived in. */
public enum EventSchema {
    /** Azure Event Grid's own schema: {@code eventType}, {@code topic}, {@code eventTime}. */
    EVENT_GRID,
    /** CloudEvents 1.0 structured mode: {@code type}, {@code source}, {@code time}. */
    CLOUD_EVENTS
}
