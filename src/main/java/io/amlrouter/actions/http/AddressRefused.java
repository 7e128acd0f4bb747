package io.amlrouter.actions.http;

/**
 * A request was not sent because its host is, or resolves to, an address outbound requests may not reach
 * ({@link io.amlrouter.rules.action.AddressPolicy}). Permanent: the rules file or DNS has to change.
 */
public final class AddressRefused extends RuntimeException {

    public AddressRefused(String message) {
        super(message, null, false, false);
    }
}
