package io.amlrouter.rules.action;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A mail ready to send: validated addresses, a single-line subject, an HTML and/or a text body. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RenderedEmail(List<String> to, List<String> cc, List<String> bcc, String subject, String html,
        String text) implements RenderedAction {

    @Override
    public ActionKind kind() {
        return ActionKind.EMAIL;
    }
}
