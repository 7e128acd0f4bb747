package io.amlrouter.events;

/** Names of the in-process SmallRye Reactive Messaging channels. */
public final class Channels {

    private Channels() {
    }

    /** Accepted events, from the webhook (and synthetic deployment outcomes) to the rule router. */
    public static final String ML_EVENTS = "ml-events";
}
