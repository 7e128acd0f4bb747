package io.amlrouter.rules.action;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A webhook call ready to send. Secret header values are not here: {@code secretHeaders} maps each
 * header to the name of its secret, resolved by the sender, so the dry run can show this safely.
 */
@RegisterForReflection
public record RenderedWebhook(String url, Map<String, String> headers, Map<String, String> secretHeaders,
        JsonNode body) implements RenderedAction {

    @Override
    public ActionKind kind() {
        return ActionKind.WEBHOOK;
    }
}
