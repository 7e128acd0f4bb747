package io.amlrouter.events;

/**
 * What is wrong with a request body, and where: {@code field} is a JSON-pointer-like location such
 * as {@code [2].eventType} or {@code body}.
 */
public record Defect(String field, String reason) {

    @Override
    public String toString() {
        return field + ": " + reason;
    }
}
