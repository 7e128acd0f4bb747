package io.amlrouter.http;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 9457 problem document: what went wrong, in words, and for input errors every field with its
 * reason. {@code events} optionally reports per-event state (e.g. which events of a delivery are still
 * being processed when the answer is a 503).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors,
        Integer retryAfterSeconds, List<?> events) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One defective field and why. */
    @RegisterForReflection
    public record FieldError(String field, String reason) {
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(typeUri(slug), title, status, detail, null, null, null);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, List.copyOf(fieldErrors), retryAfterSeconds, events);
    }

    public Problem withRetryAfter(int seconds) {
        return new Problem(type, title, status, detail, errors, seconds, events);
    }

    public Problem withEvents(List<?> eventStates) {
        return new Problem(type, title, status, detail, errors, retryAfterSeconds, List.copyOf(eventStates));
    }

    /** Problem types are URNs, listed with their meaning in docs/operations.md ("Problem types"). */
    public static String typeUri(String slug) {
        return "urn:aml-event-router:problem:" + slug;
    }
}
