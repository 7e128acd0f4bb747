package io.amlrouter.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may use the admin endpoints ({@code /rules}, {@code /rules/evaluate}, {@code /events/recent},
 * {@code /events/{id}}, {@code /events/{id}/replay}): a bearer key or an Entra token with an app role.
 * Never the ingest keys.
 */
@ConfigMapping(prefix = "admin")
public interface AdminConfig {

    Auth auth();

    interface Auth {
        /** Bearer keys ({@code Authorization: Bearer <key>}); several for rotation. {@code ADMIN_AUTH_KEYS}, comma-separated. No default. */
        Optional<List<String>> keys();

        /** Entra ID tokens for operators and automation. */
        Entra entra();

        /** Development only: admin endpoints without a credential. Defaults to false (true in the dev profile). */
        @WithDefault("false")
        boolean allowUnauthenticated();
    }

    interface Entra {
        /** The tenant that issues admin tokens; setting it turns Entra checking on. No default. */
        Optional<String> tenantId();

        /** Accepted audiences (this app's id and/or id URI). Required with a tenant. */
        Optional<List<String>> audiences();

        /** The app role an admin token must carry. Defaults to AmlEventRouter.Admin. */
        @WithDefault("AmlEventRouter.Admin")
        String requiredRole();

        /** Defaults to https://login.microsoftonline.com. */
        @WithDefault("https://login.microsoftonline.com")
        String authorityHost();

        /** Defaults to {authority-host}/{tenant}/discovery/v2.0/keys. */
        Optional<URI> jwksUrl();

        /** Tolerated clock difference. Defaults to 5m. */
        @WithDefault("5m")
        Duration clockSkew();
    }
}
