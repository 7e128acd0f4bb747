package io.amlrouter.security;

import java.util.List;

/** The outcome of checking a bearer token. */
public sealed interface TokenCheck {

    /** Signature and claims hold. */
    record Valid(String subject, String appId, List<String> roles) implements TokenCheck {
    }

    /** The token is wrong: answer 401. */
    record Invalid(String reason) implements TokenCheck {
    }

    /**
     * The token could not be checked for a passing reason (the signing keys could not be fetched):
     * answer 503 so the sender retries; never 401, which Event Grid does not retry.
     */
    record Unavailable(String reason) implements TokenCheck {
    }
}
