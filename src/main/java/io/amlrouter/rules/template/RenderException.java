package io.amlrouter.rules.template;

/**
 * A template could not be rendered for this event (a placeholder had no value, the output was too
 * large). A permanent failure: the same event renders the same way every time, so it is dead-lettered,
 * never retried and never sent half-filled.
 */
public final class RenderException extends Exception {

    public RenderException(String message) {
        super(message, null, false, false);
    }
}
