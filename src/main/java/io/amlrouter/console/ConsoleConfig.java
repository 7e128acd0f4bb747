package io.amlrouter.console;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The web console at {@code /console} (docs/console.md). Signing in takes an admin key ({@code admin.auth.keys});
 * the console keeps its own session cookie, so the JSON admin API's bearer authentication is unchanged.
 */
@ConfigMapping(prefix = "console")
public interface ConsoleConfig {

    Session session();

    /** How often the events page refreshes itself when live refresh is on (its small script). Defaults to 10s. */
    @WithDefault("10s")
    Duration refreshInterval();

    /**
     * The Azure portal that links point into ({@code https://portal.azure.us} etc. in sovereign clouds). Defaults to
     * https://portal.azure.com.
     */
    @WithDefault("https://portal.azure.com")
    String portalUrl();

    /** Events per page on the events list. Defaults to 25. */
    @WithDefault("25")
    int pageSize();

    interface Session {
        /** How long a console session lasts after signing in (no sliding renewal). Defaults to 8h. */
        @WithDefault("8h")
        Duration ttl();

        /**
         * The key that signs session cookies (HMAC-SHA256), at least 32 characters: give every replica the same
         * value ({@code CONSOLE_SESSION_SECRET}) so a session holds whichever replica answers. Without it each
         * replica draws a random key at start (sessions end with a restart and hold on that replica only).
         * No default.
         */
        Optional<String> secret();

        /**
         * Mark the cookie {@code Secure} even when the request reached the service over plain HTTP (TLS ended at
         * an ingress). Over HTTPS it is always {@code Secure}. Defaults to false.
         */
        @WithDefault("false")
        boolean forceSecure();
    }
}
