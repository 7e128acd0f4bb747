package io.amlrouter.http;

import jakarta.ws.rs.core.Response;

/** Builds JAX-RS responses carrying a {@link Problem}. */
public final class Problems {

    private Problems() {
    }

    public static Response response(Problem problem) {
        Response.ResponseBuilder builder = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (problem.retryAfterSeconds() != null) {
            builder.header("Retry-After", problem.retryAfterSeconds());
        }
        return builder.build();
    }
}
