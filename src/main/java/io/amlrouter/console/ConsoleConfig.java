package io.amlrouter.console;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The web console at {@code /console} (docs/console.md). Signing in takes an admin key ({@code admin.auth.keys}) or,
 * where {@code console.entra.*} is set, a Microsoft Entra account with the app role; the console keeps its own session
 * cookie, so the JSON admin API's bearer authentication is unchanged.
 */
@ConfigMapping(prefix = "console")
public interface ConsoleConfig {

    Session session();

    /** Microsoft Entra sign-in beside the admin keys (docs/console.md, "Microsoft Entra sign-in"). */
    Entra entra();

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

    interface Entra {
        /**
         * The Microsoft Entra tenant (directory id, or a verified domain) the console's users sign in with. Setting it
         * turns on "Sign in with Microsoft" (the OpenID Connect authorization code flow, quarkus-oidc) and requires
         * {@code client-id} and {@code client-secret}. No default: the console takes admin keys only.
         */
        Optional<String> tenantId();

        /** The application (client) id of the app registration whose redirect URI is /console/entra/sign-in. No default. */
        Optional<String> clientId();

        /** A client secret of that app registration ({@code CONSOLE_ENTRA_CLIENT_SECRET}, from the Secret). No default. */
        Optional<String> clientSecret();

        /**
         * The app role a user must hold (the ID token's {@code roles} claim) to open a console session. Defaults to
         * AmlEventRouter.Admin, the role the admin API takes.
         */
        @WithDefault("AmlEventRouter.Admin")
        String requiredRole();

        /** Entra's host; other clouds use e.g. https://login.microsoftonline.us. Defaults to https://login.microsoftonline.com. */
        @WithDefault("https://login.microsoftonline.com")
        String authorityHost();

        /**
         * The name of a TLS configuration ({@code quarkus.tls.<name>.*}) to reach the authority host with, e.g. to trust
         * a proxy's certificate authority. No default: the JVM's trusted authorities.
         */
        Optional<String> tlsConfigurationName();
    }
}
