package io.amlrouter.rules.action;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A mail ready to send: validated addresses, a single-line subject, an HTML and/or a text body.
 *
 * @param leftOut recipients taken from event data that the mail does not go to, each with its field and why
 *        (not a mail address, outside {@code rules.allowed-recipient-domains}); shown only when there are any
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RenderedEmail(List<String> to, List<String> cc, List<String> bcc, String subject, String html,
        String text, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> leftOut) implements RenderedAction {

    public RenderedEmail {
        leftOut = leftOut == null ? List.of() : List.copyOf(leftOut);
    }

    /** A mail with every recipient kept. */
    public RenderedEmail(List<String> to, List<String> cc, List<String> bcc, String subject, String html,
            String text) {
        this(to, cc, bcc, subject, html, text, List.of());
    }

    @Override
    public ActionKind kind() {
        return ActionKind.EMAIL;
    }
}
